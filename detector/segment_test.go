package detector

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bestSplit's bound never rules out the split the plain loop finds: on
// noise, steps, ties and flat stretches, over many segments, both return
// the same k and the same statistic to the bit.
func TestBestSplitBound(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for rep := range 400 {
		n := 12 + r.IntN(900)
		z := make([]float64, n)
		e := 0.0
		for i := range z {
			e = 0.5*e + r.NormFloat64()
			switch rep % 4 {
			case 0:
				z[i] = r.NormFloat64()
			case 1:
				z[i] = e
			case 2:
				z[i] = math.Round(r.NormFloat64()) // ties
				if i > n/2 {
					z[i] += 2
				}
			case 3:
				z[i] = float64(i%7) * 1e-3 // nearly flat
			}
		}
		cs := prefixSums(nil, z)
		for range 5 {
			a := r.IntN(n / 2)
			b := a + r.IntN(n-a) + 1
			m := 1 + r.IntN(8)
			k1, t1 := bestSplit(cs, a, b, m)
			k2, t2 := bestSplitPlain(cs, a, b, m)
			if k1 != k2 || math.Float64bits(t1) != math.Float64bits(t2) {
				t.Fatalf("rep %d [%d,%d) m=%d: bestSplit %d %v, plain %d %v", rep, a, b, m, k1, t1, k2, t2)
			}
		}
	}
}
