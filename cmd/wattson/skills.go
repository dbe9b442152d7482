package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/library"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/propose"
	"github.com/wattson-dev/wattson/skills/skillmd"
)

// skillDeps are the outside systems the built-in skills need; a nil field
// is not configured and the skills needing it are left out.
type skillDeps struct {
	series       skills.SeriesSource
	deploys      []skills.DeploySource
	host         skills.CodeHost
	profiles     skills.ProfileSource
	patterns     []opportunity.Pattern // for find_opportunities; nil: the built-in library's
	wattsPerCore float64
	now          func() time.Time
}

// buildRegistry lists the built-in skills explicitly, leaving out (with
// the reason) those whose dependency is not configured.
func buildRegistry(d skillDeps) *skills.Registry {
	r := skills.NewRegistry()
	if d.series != nil {
		r.Add(skills.NewFindChangePoint(d.series, d.now))
	} else {
		r.LeaveOut("find_change_point", "no metrics: pass --metrics FILE or --prometheus URL (or set detection.prometheus)")
	}
	if len(d.deploys) > 0 {
		r.Add(skills.NewDeploysInWindow(d.deploys...))
	} else {
		r.LeaveOut("deploys_in_window", "no deploy source: pass --deploys FILE, or metrics with a <service>_build_info series")
	}
	if d.host != nil {
		r.Add(skills.NewListChanges(d.host))
		r.Add(skills.NewRankSuspects(d.host))
	} else {
		reason := "no code host: pass --repo PATH or --github OWNER/REPO (or set github.repos)"
		r.LeaveOut("list_changes", reason)
		r.LeaveOut("rank_suspects", reason)
	}
	if d.profiles != nil {
		r.Add(skills.NewProfileDiff(d.profiles))
	} else {
		r.LeaveOut("profile_diff", "no profiles: pass --profiles DIR")
	}
	r.Add(skills.NewEstimateImpact(d.wattsPerCore))
	if src, ok := d.profiles.(opportunity.Source); ok {
		pats := d.patterns
		if pats == nil {
			pats = builtinPatterns()
		}
		r.Add(opportunity.NewSkill(&opportunity.Scanner{Source: src, Patterns: pats, Now: d.now,
			Scale: func(string) opportunity.Options { return opportunity.Options{WattsPerCore: d.wattsPerCore} }}))
	} else {
		r.LeaveOut("find_opportunities", "no profiles: pass --profiles DIR")
	}
	prep, _ := d.host.(propose.Preparer)
	addProposalSkills(r, prep)
	if d.series != nil && len(d.deploys) > 0 {
		r.Add(propose.NewVerifyRecovery(d.series, d.deploys[0], d.now))
	} else {
		r.LeaveOut("verify_recovery", "needs metrics and a deploy source")
	}
	return r
}

func cmdSkills(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("skills", e)
	path := configFlag(fs, e)
	sf := addSourceFlags(fs)
	format := fs.String("format", "text", "output `format`: text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("skills: unexpected argument %q", fs.Arg(0))
	}
	if *format != "text" && *format != "json" {
		return usageErrorf("skills: --format must be text or json, not %q", *format)
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err != nil {
		return err
	}
	deps, err := sf.sources().deps(cfg)
	if err != nil {
		return err
	}
	reg := buildRegistry(deps)
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Available   []skills.Info        `json:"available"`
			Unavailable []skills.Unavailable `json:"unavailable"`
		}{reg.Infos(), reg.Unavailable()})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SKILL\tSTATUS\tDESCRIPTION")
	for _, in := range reg.Infos() {
		fmt.Fprintf(tw, "%s\tavailable\t%s\n", in.Name, in.Description)
	}
	for _, u := range reg.Unavailable() {
		fmt.Fprintf(tw, "%s\tunavailable\t%s\n", u.Name, u.Reason)
	}
	return tw.Flush()
}

// builtinPatterns are the inefficiency patterns of the embedded skill
// library; it has been tested to load cleanly.
func builtinPatterns() []opportunity.Pattern {
	lib, _ := skillmd.Load(library.FS(), ".", "built-in")
	pats, _ := opportunity.LoadPatterns(lib)
	return pats
}
