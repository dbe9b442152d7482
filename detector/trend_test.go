package detector

import (
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
