package funcdetect

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/funcseries"
)

func TestTrafficMix(t *testing.T) {
	rise := func(fn string, index, end int, factor float64) Change {
		return Change{Function: fn, Index: index, end: end, Before: 1, After: factor}
	}
	tests := []struct {
		name      string
		rises     []Change
		others    []Change // rises another filter rejected
		wantMixed []string
	}{
		{"three together by one factor", []Change{
			rise("a", 100, 432, 1.25), rise("b", 102, 432, 1.2), rise("c", 105, 432, 1.3),
		}, nil, []string{"a", "b", "c"}},
		{"two are not a mix", []Change{
			rise("a", 100, 432, 1.25), rise("b", 102, 432, 1.2),
		}, nil, nil},
		{"a factor far from the group's is its own change", []Change{
			rise("a", 100, 432, 1.25), rise("b", 102, 432, 1.2), rise("c", 105, 432, 1.3), rise("d", 104, 432, 3),
		}, nil, []string{"a", "b", "c"}},
		// the detector places a small function's part of a mix change
		// hours early: its level still holds at the group's time
		{"a member placed early", []Change{
			rise("early", 45, 432, 1.22), rise("a", 100, 432, 1.25), rise("b", 102, 432, 1.2), rise("c", 105, 432, 1.3),
		}, nil, []string{"early", "a", "b", "c"}},
		{"an early rise that ended before the group is kept", []Change{
			rise("gone", 45, 80, 1.22), rise("a", 100, 432, 1.25), rise("b", 102, 432, 1.2), rise("c", 105, 432, 1.3),
		}, nil, []string{"a", "b", "c"}},
		// in share of the profile the renormalised filter takes most of
		// a mix's rises; they are still evidence of the mix
		{"rises another filter rejected count", []Change{rise("a", 100, 432, 1.25)}, []Change{
			withFilter(rise("b", 102, 432, 1.2), FilterRenormalised), withFilter(rise("c", 105, 432, 1.3), FilterCostShift),
		}, []string{"a"}},
		{"rises that went away do not", []Change{rise("a", 100, 432, 1.25)}, []Change{
			withFilter(rise("b", 102, 432, 1.2), FilterWentAway), withFilter(rise("c", 105, 432, 1.3), FilterWentAway),
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, mixed := trafficMix(tt.rises, tt.others, Options{}.withDefaults())
			var got []string
			for _, c := range mixed {
				if c.Filter != FilterTrafficMix {
					t.Errorf("%s mixed with filter %q", c.Function, c.Filter)
				}
				got = append(got, c.Function)
			}
			if len(got) != len(tt.wantMixed) || len(kept)+len(mixed) != len(tt.rises) {
				t.Fatalf("mixed %v, kept %d; want mixed %v", got, len(kept), tt.wantMixed)
			}
			for i := range got {
				if got[i] != tt.wantMixed[i] {
					t.Errorf("mixed %v, want %v", got, tt.wantMixed)
				}
			}
		})
	}
}

func withFilter(c Change, filter string) Change {
	c.Filter = filter
	return c
}

func TestRenormalised(t *testing.T) {
	// another function lost 5% of the profile at point 100: every other
	// share grows by 1/0.95, about 5.3%
	falls := []Change{{Function: "gone", Index: 100, Before: 0.08, After: 0.03}}
	tests := []struct {
		name string
		rise Change
		want bool
	}{
		{"rising back with the others", Change{Index: 101, Before: 0.5, After: 0.526, Pct: 5.2}, true},
		{"far more than the others", Change{Index: 101, Before: 0.02, After: 0.03, Pct: 50}, false},
		{"at another time", Change{Index: 200, Before: 0.5, After: 0.526, Pct: 5.2}, false},
		{"no fall at all", Change{Index: 101, Before: 0.5, After: 0.526, Pct: 5.2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := falls
			if tt.name == "no fall at all" {
				fs = nil
			}
			if got := renormalised(tt.rise, fs, Options{}.withDefaults()); got != tt.want {
				t.Errorf("renormalised = %v, want %v", got, tt.want)
			}
		})
	}
}

// callerSet is a service whose handler h calls f and g, beside other work
// k; from point 200 the named functions' self CPU grows by 30%.
func callerSet(t *testing.T, grow ...string) *funcseries.Set {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	count := func(mean float64) int64 { return max(0, int64(math.Round(mean+math.Sqrt(mean)*rng.NormFloat64()))) }
	info := map[string]funcseries.Func{
		"main": {File: "main.go"}, "h": {File: "h.go", Callers: []string{"main"}}, "k": {File: "k.go", Callers: []string{"main"}},
		"f": {File: "f.go", Callers: []string{"h"}}, "g": {File: "g.go", Callers: []string{"h"}},
	}
	set := new(funcseries.Set)
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for p := range 432 {
		mean := map[string]float64{"h": 100, "f": 200, "g": 400, "k": 800}
		if p >= 200 {
			for _, n := range grow {
				mean[n] *= 1.3
			}
		}
		h, f, g, k := count(mean["h"]), count(mean["f"]), count(mean["g"]), count(mean["k"])
		snap := funcseries.Snapshot{Time: start.Add(time.Duration(p) * 10 * time.Minute), Duration: 10 * time.Second,
			Period: 10 * time.Millisecond, Total: h + f + g + k, Info: info, Funcs: map[string]funcseries.Counts{
				"main": {Cum: h + f + g + k}, "h": {Self: h, Cum: h + f + g}, "k": {Self: k, Cum: k},
				"f": {Self: f, Cum: f}, "g": {Self: g, Cum: g}}}
		if err := set.Append(snap); err != nil {
			t.Fatal(err)
		}
	}
	return set
}

func TestProportional(t *testing.T) {
	tests := []struct {
		name string
		grow []string
		want bool
	}{
		{"everything below the caller grew: traffic", []string{"h", "f", "g"}, true},
		{"the function alone grew: a regression", []string{"f"}, false},
		{"other work outside its caller grew with it", []string{"f", "k"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := callerSet(t, tt.grow...)
			o := Options{}.withDefaults()
			c := Change{Function: "f", Index: 200, start: 0, end: set.Len()}
			got, err := newSeries(set, nil).proportional(context.Background(), detector.New(o.Detector), c, o)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("proportional = %v, want %v", got, tt.want)
			}
		})
	}
}
