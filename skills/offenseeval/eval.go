package offenseeval

import (
	"context"
	"fmt"
	"slices"

	"github.com/wattson-dev/wattson/skills/benchcheck"
	"github.com/wattson-dev/wattson/skills/fixgate"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/pprofdir"
)

// Options tune an evaluation.
type Options struct {
	// Bench tunes each fix's before/after benchmark.
	Bench benchcheck.Options
}

// Row is one finding of the scan and what became of its fix.
type Row struct {
	// Service, Function and Pattern say what was found where.
	Service  string `json:"service"`
	Function string `json:"function"`
	Pattern  string `json:"pattern"`
	// Planted is whether the corpus planted it (a true finding).
	Planted bool `json:"planted"`
	// Outcome is the fix's: prepared, suggestion or failed (package
	// fixgate); Reason says why when it is not prepared.
	Outcome string `json:"outcome"`
	Reason  string `json:"reason,omitempty"`
	// Built and Tested are whether the fixed code built and passed the
	// package's tests; BehaviourChanged is a fix that built but failed
	// them (each corpus package's tests pin its behaviour).
	Built            bool `json:"built"`
	Tested           bool `json:"tested"`
	BehaviourChanged bool `json:"behaviour_changed"`
	// Estimated is the share of the benchmark's CPU the profile says the
	// fix saves (the pattern's share times its saving); Measured is the
	// share of time per operation the benchmark lost (1 - after/before),
	// Significant whether that difference is significant, and Ratio
	// Measured/Estimated.
	Estimated   float64 `json:"estimated"`
	Measured    float64 `json:"measured"`
	Significant bool    `json:"significant"`
	P           float64 `json:"p"`
	Ratio       float64 `json:"ratio"`
}

// Within2x is whether the measured saving is within a factor of two of
// the estimate.
func (r Row) Within2x() bool { return r.Ratio >= 0.5 && r.Ratio <= 2 }

// Report is an evaluation's rows and scores.
type Report struct {
	Rows []Row `json:"rows"`
	// Missed are planted inefficiencies the scan did not find, as
	// "service: function (pattern)".
	Missed []string `json:"missed,omitempty"`
	// Findings, True and PlantedTotal count the scan's findings, those
	// planted, and the planted inefficiencies.
	Findings     int `json:"findings"`
	True         int `json:"true"`
	PlantedTotal int `json:"planted_total"`
	// Fixes are the mechanical fixes made (prepared or failed), Passing
	// those that built and passed tests, BehaviourChanges those whose
	// tests failed, Suggestions the findings left as suggestions.
	Fixes            int `json:"fixes"`
	Passing          int `json:"passing"`
	BehaviourChanges int `json:"behaviour_changes"`
	Suggestions      int `json:"suggestions"`
	// Measured are the passing fixes with a benchmark, Within2x those
	// whose measured saving is within a factor of two of the estimate.
	Measured int `json:"measured"`
	Within2x int `json:"within_2x"`
}

// Precision is the share of findings that were planted.
func (r Report) Precision() float64 { return ratio(r.True, r.Findings) }

// Recall is the share of planted inefficiencies found.
func (r Report) Recall() float64 { return ratio(r.True, r.PlantedTotal) }

// PassShare is the share of mechanical fixes that built and passed tests.
func (r Report) PassShare() float64 { return ratio(r.Passing, r.Fixes) }

// EstimateShare is the share of measured fixes within 2x of the estimate.
func (r Report) EstimateShare() float64 { return ratio(r.Within2x, r.Measured) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Run scans each corpus package's profile with patterns, prepares and
// gates the fix of every finding whose pattern has a rewrite (no branch
// is opened), and scores the lot.
func Run(ctx context.Context, c Corpus, patterns []opportunity.Pattern, o Options) (Report, error) {
	saving := map[string]float64{}
	for _, p := range patterns {
		saving[p.Name] = p.Saving
	}
	sc := &opportunity.Scanner{Source: pprofdir.New(c.Profiles), Patterns: patterns}
	fx := &fixgate.Fixer{Checkout: c.Repo, Bench: o.Bench}
	var rep Report
	for _, k := range c.Cases {
		found, err := sc.Scan(ctx, k.Service)
		if err != nil {
			return rep, fmt.Errorf("eval offense: %w", err)
		}
		rep.PlantedTotal += len(k.Planted)
		hit := make([]bool, len(k.Planted))
		for _, f := range found {
			row := Row{Service: k.Service, Function: f.Function, Pattern: f.Pattern, Estimated: f.Share * saving[f.Pattern]}
			if i := slices.IndexFunc(k.Planted, func(p Planted) bool { return p.Function == f.Function && p.Pattern == f.Pattern }); i >= 0 {
				row.Planted, hit[i] = true, true
				rep.True++
			}
			res, err := fx.Fix(ctx, f)
			if err != nil {
				return rep, fmt.Errorf("eval offense: %w", err)
			}
			score(&rep, &row, res)
			rep.Rows = append(rep.Rows, row)
		}
		rep.Findings += len(found)
		for i, p := range k.Planted {
			if !hit[i] {
				rep.Missed = append(rep.Missed, fmt.Sprintf("%s: %s (%s)", k.Service, p.Function, p.Pattern))
			}
		}
	}
	return rep, nil
}

// score fills row from a fix's result and counts it in rep.
func score(rep *Report, row *Row, res fixgate.Result) {
	row.Outcome, row.Reason = res.Outcome, res.Reason
	if res.Outcome == fixgate.Suggestion {
		rep.Suggestions++
		return
	}
	rep.Fixes++
	if g := res.Gate; g != nil {
		for _, ck := range g.Checks {
			switch {
			case ck.Command == "go build ./...":
				row.Built = ck.OK
			case len(ck.Command) > 7 && ck.Command[:7] == "go test":
				row.Tested = ck.OK
				row.BehaviourChanged = row.Built && !ck.OK
			}
		}
		if len(g.Benchmarks) > 0 {
			b := g.Benchmarks[0]
			if gain := g.Gain(); gain != nil {
				b = *gain
			}
			row.Measured, row.Significant, row.P = b.Saving(), b.Faster(), b.P
			if row.Estimated > 0 {
				row.Ratio = row.Measured / row.Estimated
			}
		}
	}
	if row.BehaviourChanged {
		rep.BehaviourChanges++
	}
	if res.Outcome == fixgate.Prepared {
		rep.Passing++
		if res.Gate != nil && len(res.Gate.Benchmarks) > 0 {
			rep.Measured++
			if row.Within2x() {
				rep.Within2x++
			}
		}
	}
}
