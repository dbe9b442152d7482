package detector

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTrendBreak checks that a slope change in a smooth series is reported
// at the break, not as a ladder of steps, and that a plain step keeps the
// level model.
func TestTrendBreak(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n, at = 300, 150
	kink := make([]float64, n)
	step := make([]float64, n)
	for i := range n {
		kink[i] = 10 + 0.1*r.NormFloat64()
		step[i] = 10 + r.NormFloat64()
		if i >= at {
			kink[i] -= 0.05 * float64(i-at)
			step[i] += 3
		}
	}
	for _, tc := range []struct {
		name string
		x    []float64
	}{{"slope change", kink}, {"step", step}} {
		t.Run(tc.name, func(t *testing.T) {
			got := Detect(tc.x, nil, Options{})
			if len(got) != 1 || got[0].Index < at-5 || got[0].Index > at+5 {
				t.Fatalf("changes at %v, want one near %d", indices(got), at)
			}
		})
	}
}

func indices(cs []Change) []int {
	var out []int
	for _, c := range cs {
		out = append(out, c.Index)
	}
	return out
}

// TestWanderIsNotALadder checks that a trending series whose noise wanders
// (strongly autocorrelated, like an economic series) is not cut into a
// ladder of steps along the wander: only the sharp fall between 200 and
// 215 is a change. Without the ramp check the 40 series gave 70
// changes away from the fall (13 with it).
func TestWanderIsNotALadder(t *testing.T) {
	const n, series = 300, 40
	away := 0
	for seed := uint64(1); seed <= series; seed++ {
		r := rand.New(rand.NewPCG(seed, 3))
		x := make([]float64, n)
		level, wander := 100.0, 0.0
		for i := range n {
			slope := 0.2
			if i >= 200 && i < 215 {
				slope = -0.8
			}
			wander = 0.97*wander + 0.6*r.NormFloat64()
			level += slope
			x[i] = level + wander
		}
		for _, c := range Detect(x, nil, Options{}) {
			if c.Index < 185 || c.Index > 230 {
				away++
			}
		}
	}
	if away > series/2 {
		t.Errorf("%d changes away from the fall in %d series, want at most %d", away, series, series/2)
	}
}

// TestShortRiseAndFall checks a short series that declines, climbs
// steeply and declines again (too short for a significant polynomial
// drift) against the trend model: the climb is reported.
func TestShortRiseAndFall(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 1))
	const n = 21
	x := make([]float64, n)
	for i := range n {
		switch {
		case i < 8:
			x[i] = 36 - 1.8*float64(i)
		case i < 13:
			x[i] = 22 + 20*float64(i-7)
		default:
			x[i] = 120 - 7*float64(i-12)
		}
		x[i] += 0.5 * r.NormFloat64()
	}
	got := Detect(x, nil, Options{})
	if len(got) == 0 || got[0].Index < 7 || got[0].Index > 13 {
		t.Fatalf("changes at %v, want the first between 7 and 13", indices(got))
	}
}

// bestLineSplit over the whole series, which keeps the index part of
// each side, finds the split and reduction of the general loop, to the
// bit, and the kept sums follow a change of length.
func TestBestLineSplitWhole(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	var s lineSums
	for rep := range 60 {
		n := []int{864, 864, 500, 37}[rep%4]
		u := make([]float64, n)
		e := 0.0
		for i := range u {
			e = 0.7*e + r.NormFloat64()
			u[i] = e + float64(rep%3)*float64(i)/float64(n)
		}
		s.fill(u)
		k1, r1 := s.bestLineSplit(0, n, 6)
		var fresh lineSums
		fresh.fill(u)
		k2, r2 := fresh.bestLineSplitGeneral(0, n, 6)
		if k1 != k2 || math.Float64bits(r1) != math.Float64bits(r2) {
			t.Fatalf("rep %d n=%d: whole %d %v, general %d %v", rep, n, k1, r1, k2, r2)
		}
	}
}
