package funcdetect

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector/funcseries"
)

// helperSet is a service whose function a calls helper, at the step
// doubling the helper's work it does; with shared, b calls helper too (for
// most of its samples), and c is other work.
func helperSet(t *testing.T, shared bool) *funcseries.Set {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	count := func(mean float64) int64 { return max(0, int64(math.Round(mean+math.Sqrt(mean)*rng.NormFloat64()))) }
	callers := []string{"a"}
	if shared {
		callers = []string{"a", "b"}
	}
	info := map[string]funcseries.Func{
		"main": {File: "main.go"}, "a": {File: "a.go", Callers: []string{"main"}}, "b": {File: "b.go", Callers: []string{"main"}},
		"c": {File: "c.go", Callers: []string{"main"}}, "helper": {File: "helper.go", Callers: callers},
	}
	set := new(funcseries.Set)
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for p := range 432 {
		viaA := 60.0
		if p >= 200 {
			viaA = 120
		}
		viaB := 0.0
		if shared {
			viaB = 400
		}
		ha, hb, a, b, c := count(viaA), count(viaB), count(20), count(20+400-viaB), count(500)
		snap := funcseries.Snapshot{Time: start.Add(time.Duration(p) * 10 * time.Minute), Duration: 10 * time.Second,
			Period: 10 * time.Millisecond, Total: ha + hb + a + b + c, Info: info, Funcs: map[string]funcseries.Counts{
				"helper": {Self: ha + hb, Cum: ha + hb}, "a": {Self: a, Cum: a + ha}, "b": {Self: b, Cum: b + hb},
				"c": {Self: c, Cum: c}, "main": {Cum: ha + hb + a + b + c}}}
		if err := set.Append(snap); err != nil {
			t.Fatal(err)
		}
	}
	return set
}

func TestCumulativeNamesTheCallerOfASharedHelper(t *testing.T) {
	tests := []struct {
		name   string
		shared bool
		want   []string // the regressions' functions, "~" marking a cumulative one
	}{
		// helper's own rise names helper; the cause is a's use of it,
		// seen only in a's cumulative CPU
		{"shared helper", true, []string{"helper", "~a"}},
		// helper is a's alone: a's cumulative rise is helper's, seen
		// from above
		{"helper only a calls", false, []string{"helper"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Detect(context.Background(), helperSet(t, tt.shared), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range res.Regressions {
				name := r.Function
				if r.Cumulative {
					name = "~" + name
				}
				got = append(got, name)
				if abs(r.Index-200) > 3 {
					t.Errorf("%s placed at %d, want about 200", name, r.Index)
				}
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("regressions %v, want %v; filtered %+v", got, want, res.Filtered)
			}
		})
	}
}
