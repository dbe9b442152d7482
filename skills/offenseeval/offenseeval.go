// Package offenseeval scores the offense scan and its gated fixes on a
// corpus (`wattson eval offense`): Go modules with planted inefficiencies,
// each with tests that check its behaviour, a benchmark of its hot path
// and a real CPU profile of that benchmark.
//
// A case is a directory holding case.json ({"service": NAME, "planted":
// [{"function": F, "pattern": P}]}; an empty list for a clean module),
// repo/ (a git clone) and profiles/<service>/<RFC3339>.pb.gz. Every
// finding is scored against the planted list (precision, recall); every
// finding whose pattern names a rewrite is fixed through the same gate as
// `wattson offense --fix` (package skills/fixgate, nothing opened), and
// the fix's measured saving (the benchmark's median change) is compared
// with the profile's estimate (the pattern's share of CPU times its
// expected saving). A fix whose tests fail changed behaviour.
package offenseeval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/wattson-dev/wattson/skills/benchcheck"
	"github.com/wattson-dev/wattson/skills/fixgate"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/pprofdir"
)

// Planted is an inefficiency put in a case on purpose.
type Planted struct {
	Function string `json:"function"`
	Pattern  string `json:"pattern"`
}

// Case is a case's case.json.
type Case struct {
	Service string    `json:"service"`
	Planted []Planted `json:"planted"`
}

// Fix is what became of one finding of a case.
type Fix struct {
	// Case, Function and Pattern name the finding; Planted whether it is
	// one of the case's planted inefficiencies.
	Case     string `json:"case"`
	Function string `json:"function"`
	Pattern  string `json:"pattern"`
	Planted  bool   `json:"planted"`
	// Outcome is fixgate's (prepared, suggestion or failed), Reason why
	// it is not prepared.
	Outcome string `json:"outcome"`
	Reason  string `json:"reason,omitempty"`
	// Built and Tested report the gate's build and vet, and its tests.
	Built  bool `json:"built"`
	Tested bool `json:"tested"`
	// Estimated is the profile's estimate of the saving, as a fraction of
	// the profiled work; Measured the benchmark's (median drop), P its
	// p-value. Both are 0 without a benchmark.
	Estimated float64 `json:"estimated"`
	Measured  float64 `json:"measured"`
	P         float64 `json:"p,omitempty"`
	Benchmark string  `json:"benchmark,omitempty"`
}

// Mechanical reports a finding whose rewrite was made and gated.
func (f Fix) Mechanical() bool { return f.Outcome == fixgate.Prepared || f.Outcome == fixgate.Failed }

// ChangedBehaviour reports a fix that builds but fails the tests.
func (f Fix) ChangedBehaviour() bool { return f.Mechanical() && f.Built && !f.Tested }

// WithinTwo reports a measured saving within a factor of 2 of the
// estimate.
func (f Fix) WithinTwo() bool {
	return f.Estimated > 0 && f.Measured > 0 && f.Measured/f.Estimated <= 2 && f.Estimated/f.Measured <= 2
}

// Report is a corpus's score.
type Report struct {
	Cases int   `json:"cases"`
	Fixes []Fix `json:"fixes"`
	// Missed are planted inefficiencies no finding names.
	Missed []Planted `json:"missed,omitempty"`
}

// Options tune Run.
type Options struct {
	// Patterns are looked for; WattsPerCore turns cores into watts.
	Patterns     []opportunity.Pattern
	WattsPerCore float64
	// Bench tunes the gate's benchmark.
	Bench benchcheck.Options
}

// Run scores every case under dir.
func Run(ctx context.Context, dir string, o Options) (Report, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Report{}, fmt.Errorf("read corpus: %w", err)
	}
	saving := map[string]float64{}
	for _, p := range o.Patterns {
		saving[p.Name] = p.Saving
	}
	var rep Report
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		caseDir := filepath.Join(dir, e.Name())
		var c Case
		if err := readJSON(filepath.Join(caseDir, "case.json"), &c); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // not a case
			}
			return rep, fmt.Errorf("case %s: %w", e.Name(), err)
		}
		if c.Service == "" {
			return rep, fmt.Errorf("case %s: case.json names no service", e.Name())
		}
		rep.Cases++
		fixes, missed, err := runCase(ctx, e.Name(), caseDir, c, o, saving)
		if err != nil {
			return rep, fmt.Errorf("case %s: %w", e.Name(), err)
		}
		rep.Fixes = append(rep.Fixes, fixes...)
		rep.Missed = append(rep.Missed, missed...)
	}
	if rep.Cases == 0 {
		return rep, fmt.Errorf("no case (a directory with case.json) in %s", dir)
	}
	return rep, nil
}

func runCase(ctx context.Context, name, dir string, c Case, o Options, saving map[string]float64) ([]Fix, []Planted, error) {
	sc := &opportunity.Scanner{Source: pprofdir.New(filepath.Join(dir, "profiles")), Patterns: o.Patterns,
		Scale: func(string) opportunity.Options { return opportunity.Options{WattsPerCore: o.WattsPerCore} }}
	found, err := sc.Scan(ctx, c.Service)
	if err != nil {
		return nil, nil, err
	}
	x := &fixgate.Fixer{Checkout: filepath.Join(dir, "repo"), Bench: o.Bench}
	seen := map[Planted]bool{}
	var fixes []Fix
	for _, fd := range found {
		p := Planted{Function: fd.Function, Pattern: fd.Pattern}
		f := Fix{Case: name, Function: fd.Function, Pattern: fd.Pattern, Estimated: fd.Share * saving[fd.Pattern]}
		for _, want := range c.Planted {
			if want == p {
				f.Planted, seen[p] = true, true
			}
		}
		res, err := x.Fix(ctx, fd)
		if err != nil {
			return nil, nil, err
		}
		f.Outcome, f.Reason = res.Outcome, res.Reason
		if res.Gate != nil {
			scoreGate(&f, *res.Gate)
		}
		fixes = append(fixes, f)
	}
	var missed []Planted
	for _, want := range c.Planted {
		if !seen[want] {
			missed = append(missed, want)
		}
	}
	return fixes, missed, nil
}

// scoreGate reads the gate's checks and the benchmark that best shows the
// change: the significant gain, else the largest drop.
func scoreGate(f *Fix, g benchcheck.Report) {
	for _, c := range g.Checks {
		switch {
		case len(c.Command) >= 7 && c.Command[:7] == "go test":
			f.Tested = c.OK
		default:
			f.Built = c.OK
			if !c.OK {
				return
			}
		}
	}
	b := g.Gain()
	if b == nil {
		for i := range g.Benchmarks {
			if b == nil || g.Benchmarks[i].DeltaPct < b.DeltaPct {
				b = &g.Benchmarks[i]
			}
		}
	}
	if b != nil {
		f.Measured, f.P, f.Benchmark = math.Max(0, -b.DeltaPct/100), b.P, b.Name
	}
}

// Summary is the corpus's figures.
type Summary struct {
	// Findings and TruePositives count findings and those planted;
	// Planted counts planted inefficiencies.
	Findings, TruePositives, Planted int
	// Mechanical counts fixes made and gated; Passing those whose build,
	// vet and tests pass; ChangedBehaviour those whose tests fail.
	Mechanical, Passing, ChangedBehaviour int
	// Measured counts passing fixes with a benchmark; WithinTwo those
	// whose measured saving is within 2x of the estimate.
	Measured, WithinTwo int
}

// Summarize computes the report's figures.
func (r Report) Summarize() Summary {
	s := Summary{Findings: len(r.Fixes), Planted: len(r.Missed)}
	for _, f := range r.Fixes {
		if f.Planted {
			s.TruePositives++
			s.Planted++ // found, so not among the missed
		}
		if !f.Mechanical() {
			continue
		}
		s.Mechanical++
		if f.ChangedBehaviour() {
			s.ChangedBehaviour++
		}
		if f.Built && f.Tested {
			s.Passing++
			if f.Benchmark != "" {
				s.Measured++
				if f.WithinTwo() {
					s.WithinTwo++
				}
			}
		}
	}
	return s
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return nil
}

// sortFixes orders by case, then function.
func sortFixes(fs []Fix) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Case != fs[j].Case {
			return fs[i].Case < fs[j].Case
		}
		return fs[i].Function < fs[j].Function
	})
}
