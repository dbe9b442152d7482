package opportunity_test

import (
	"math"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/wattson-dev/wattson/skills/opportunity"
)

// stackProfile builds a CPU profile of stacks (leaf first) with values.
func stackProfile(stacks map[int64][]string) *profile.Profile {
	p := &profile.Profile{SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		DurationNanos: 1e9}
	fns := map[string]*profile.Function{}
	for v, stack := range stacks {
		s := &profile.Sample{Value: []int64{1, v}}
		for _, name := range stack {
			fn := fns[name]
			if fn == nil {
				fn = &profile.Function{ID: uint64(len(fns) + 1), Name: name, Filename: name + ".go"}
				fns[name] = fn
				p.Function = append(p.Function, fn)
			}
			loc := &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: fn, Line: 3}}}
			p.Location = append(p.Location, loc)
			s.Location = append(s.Location, loc)
		}
		p.Sample = append(p.Sample, s)
	}
	return p
}

// TestGCCostFollowsAllocation checks that the collector's background
// work is credited to the findings whose cost allocates, in proportion to
// their share of allocation, and that only the rest stays on the
// collector's own finding.
func TestGCCostFollowsAllocation(t *testing.T) {
	const ms = 1e6
	concat := []string{"runtime.mallocgc", "runtime.concatstrings", "example.com/m.CSV"}
	other := []string{"runtime.mallocgc", "strings.Repeat", "example.com/m.Other"} // allocates, in no pattern
	plain := []string{"runtime.memmove", "runtime.concatstrings", "example.com/m.CSV"}
	markWorker := []string{"runtime.gcDrain", "runtime.gcBgMarkWorker"}
	for _, tc := range []struct {
		name          string
		stacks        map[int64][]string
		csvMS, onGCMS float64 // the CSV finding's and the collector finding's cost before saving
	}{
		{name: "all allocation is CSV's", stacks: map[int64][]string{300 * ms: concat, 200 * ms: plain, 400 * ms: markWorker},
			csvMS: 900},
		{name: "CSV allocates three quarters", stacks: map[int64][]string{300 * ms: concat, 200 * ms: plain, 100 * ms: other, 400 * ms: markWorker},
			csvMS: 800, onGCMS: 100},
		{name: "no background GC", stacks: map[int64][]string{300 * ms: concat, 200 * ms: plain},
			csvMS: 500},
		{name: "no allocation to credit", stacks: map[int64][]string{200 * ms: plain, 400 * ms: markWorker},
			csvMS: 200, onGCMS: 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pats := builtinPatterns(t)
			saving := map[string]float64{}
			for _, p := range pats {
				saving[p.Name] = p.Saving
			}
			found, err := opportunity.Find([]opportunity.Profile{{Kind: opportunity.KindCPU, Profile: stackProfile(tc.stacks)}}, pats, opportunity.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{}
			for _, f := range found {
				got[f.Function] = f.Cores / saving[f.Pattern] * 1000
			}
			if math.Abs(got["example.com/m.CSV"]-tc.csvMS) > 1 || math.Abs(got["runtime.gcBgMarkWorker"]-tc.onGCMS) > 1 {
				t.Errorf("CPU ms/s: CSV %.0f, collector %.0f; want %.0f, %.0f (%v)", got["example.com/m.CSV"], got["runtime.gcBgMarkWorker"], tc.csvMS, tc.onGCMS, found)
			}
		})
	}
}
