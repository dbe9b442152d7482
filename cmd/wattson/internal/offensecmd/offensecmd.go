// Package offensecmd is `wattson offense`: the offense scan of one
// service's profiles from the command line and, with --fix, the gated fix
// of each finding whose pattern has a rewrite (package skills/fixgate),
// printed per finding as text or JSON. Package main only registers its
// flags, loads the configuration and the patterns, and builds the GitHub
// host when one is named.
package offensecmd

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/wattson-dev/wattson/skills/fixgate"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/pprofdir"
)

// Flags are the command's flags.
type Flags struct {
	Profiles, Repo, GitHub, Checkout, Service, Base string
	Fix                                             bool
	Instances                                       float64
	Output
}

// Register adds the flags to fs.
func Register(fs *flag.FlagSet) *Flags {
	f := &Flags{}
	fs.StringVar(&f.Profiles, "profiles", "", "profile `dir` laid out as <service>/<RFC3339>.pb.gz")
	fs.StringVar(&f.Repo, "repo", "", "local git clone of the service `path`: the fix is made there and left on a branch")
	fs.StringVar(&f.GitHub, "github", "", "GitHub repository `owner/repo` to open the fix on as a draft pull request (needs --checkout)")
	fs.StringVar(&f.Checkout, "checkout", "", "with --github: a local clone of that repository `path`, the source the fix is made from")
	fs.StringVar(&f.Service, "service", "", "service `name` (profiles/<service>/)")
	fs.StringVar(&f.Base, "base", "", "`revision` to fix and branch from (default the clone's HEAD; with --github, a branch)")
	fs.BoolVar(&f.Fix, "fix", false, "prepare, check and benchmark the mechanical fix of each finding")
	fs.Float64Var(&f.Instances, "instances", 1, "how many `instances` like the profiled one run, to scale cores and watts")
	f.register(fs)
	return f
}

// Check reports a mistake in the flags, naming the flag, or an argument
// left over after them.
func (f *Flags) Check(rest []string) error {
	switch {
	case len(rest) > 0:
		return fmt.Errorf("unexpected argument %q", rest[0])
	case f.Profiles == "":
		return errors.New("--profiles is required")
	case f.Service == "":
		return errors.New("--service is required")
	case (f.Repo == "") == (f.GitHub == ""):
		return errors.New("give --repo PATH or --github OWNER/REPO")
	case f.GitHub != "" && f.Checkout == "":
		return errors.New("--github needs --checkout PATH, a local clone the fix is made from")
	case f.Repo != "" && f.Checkout != "":
		return errors.New("--checkout goes with --github; with --repo the clone is the checkout")
	case f.Instances <= 0:
		return fmt.Errorf("--instances must be positive, not %g", f.Instances)
	}
	if err := f.check(); err != nil {
		return err
	}
	return nil
}

// Deps are what package main provides.
type Deps struct {
	// Patterns are the skill library's patterns; WattsPerCore turns
	// cores into watts.
	Patterns     []opportunity.Pattern
	WattsPerCore float64
	// GitHub opens fixes on the repository --github names.
	GitHub fixgate.Preparer
}

// Report is what one run found and prepared.
type Report struct {
	Service  string           `json:"service"`
	Findings int              `json:"findings"`
	Results  []fixgate.Result `json:"results"`
}

// Run scans the service's profiles and, with --fix, prepares each fix;
// it writes the report to w.
func Run(ctx context.Context, f *Flags, d Deps, w io.Writer) (Report, error) {
	sc := &opportunity.Scanner{Source: pprofdir.New(f.Profiles), Patterns: d.Patterns,
		Scale: func(string) opportunity.Options {
			return opportunity.Options{Instances: f.Instances, WattsPerCore: d.WattsPerCore}
		}}
	found, err := sc.Scan(ctx, f.Service)
	if err != nil {
		return Report{}, fmt.Errorf("offense: %w", err)
	}
	rep := Report{Service: f.Service, Findings: len(found)}
	x := &fixgate.Fixer{Checkout: f.Repo, Base: f.Base, Host: gitlocal.New(f.Repo),
		Bench: f.bench()}
	if f.GitHub != "" {
		x.Checkout, x.Host = f.Checkout, d.GitHub
	}
	for _, fd := range found {
		res := fixgate.Result{Finding: fd, Outcome: fixgate.Suggestion, Reason: "run with --fix to prepare it"}
		if fd.Rewrite == "" {
			res.Reason = "the pattern " + fd.Pattern + " has no rewrite"
		} else if f.Fix {
			if res, err = x.Fix(ctx, fd); err != nil {
				return rep, fmt.Errorf("offense: %w", err)
			}
		}
		rep.Results = append(rep.Results, res)
	}
	if f.Format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return rep, enc.Encode(rep)
	}
	return rep, WriteText(w, rep)
}

// Demo is `wattson demo`'s sixth step: the scan of the sample service's
// profiles and the gated fix of each finding with a rewrite, on a branch
// off the regressed release. It fails when no fix was prepared; a fix
// whose benchmark showed no significant gain this time (a machine busy
// with other work) is shown as such, not as a failure of the demo.
func Demo(ctx context.Context, w io.Writer, d Deps, profiles, repo, service, release string) error {
	f := &Flags{Profiles: profiles, Repo: repo, Service: service, Base: release, Fix: true,
		Instances: 1, Output: Output{Format: "text", Count: 10, BenchTime: "100ms"}}
	rep, err := Run(ctx, f, d, w)
	if err != nil {
		return err
	}
	for _, r := range rep.Results {
		if r.Outcome == fixgate.Prepared {
			_, err := fmt.Fprintf(w, "\n  PR body   git -C %s log -1 --format=%%b %s\n", repo, r.Branch)
			return err
		}
	}
	return errors.New("offense: no fix was prepared; the results above say why")
}
