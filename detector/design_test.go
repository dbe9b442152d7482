package detector

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestNormalEquations checks the closed-form normal equations against the
// direct computation: demean each column and x per segment, then form X'X,
// X'u and u'u.
func TestNormalEquations(t *testing.T) {
	x, ts := synth{n: 600, daily: 3, steps: map[int]float64{200: 2}}.gen(3)
	d := New(Options{})
	var ds design
	ds.build(d, x, ts, true)
	p := len(ds.cols)
	if p == 0 {
		t.Fatal("no regressors for three days of 5-minute data")
	}
	for _, ks := range [][]int{nil, {200}, {50, 200, 555}} {
		g, h, uu := ds.normal(ks, nil, nil)
		demean := func(v []float64) []float64 {
			v = slices.Clone(v)
			a := 0
			for j := 0; j <= len(ks); j++ {
				b := len(v)
				if j < len(ks) {
					b = ks[j]
				}
				m := 0.0
				for _, y := range v[a:b] {
					m += y
				}
				m /= float64(b - a)
				for i := a; i < b; i++ {
					v[i] -= m
				}
				a = b
			}
			return v
		}
		u := demean(x)
		cols := make([][]float64, p)
		for j := range cols {
			cols[j] = demean(ds.cols[j])
		}
		near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*(1+math.Abs(b)) }
		if !near(uu, dot(u, u)) {
			t.Errorf("ks %v: u'u %g, direct %g", ks, uu, dot(u, u))
		}
		for a := range p {
			if !near(h[a], dot(cols[a], u)) {
				t.Errorf("ks %v: h[%d] %g, direct %g", ks, a, h[a], dot(cols[a], u))
			}
			for b := range p {
				if !near(g[a*p+b], dot(cols[a], cols[b])) {
					t.Errorf("ks %v: g[%d,%d] %g, direct %g", ks, a, b, g[a*p+b], dot(cols[a], cols[b]))
				}
			}
		}
	}
}

func TestOrderStatistics(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for _, n := range []int{1, 2, 5, 10, 101, 864} {
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Round(r.NormFloat64() * 3) // ties
		}
		s := slices.Sorted(slices.Values(v))
		for _, k := range []int{0, n / 2, n - 1} {
			c := slices.Clone(v)
			if got := selectK(c, k); got != s[k] {
				t.Errorf("n=%d: selectK(%d) = %g, want %g", n, k, got, s[k])
			}
		}
		cut := n / 5
		want := 0.0
		for _, x := range s[cut : n-cut] {
			want += x
		}
		want /= float64(n - 2*cut)
		var tmp []float64
		if got := trimmedMean(v, &tmp); math.Abs(got-want) > 1e-12 {
			t.Errorf("n=%d: trimmedMean %g, want %g", n, got, want)
		}
	}
}
