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
	ds.build(d, x, ts, true, nil)
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

// selectNonNeg agrees with a sort on non-negative values: ties, zeros, a
// wide spread of magnitudes, and an infinity.
func TestSelectNonNeg(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	var sc selectScratch
	for _, n := range []int{1, 7, 63, 64, 100, 863, 2016} {
		for kind := range 4 {
			v := make([]float64, n)
			for i := range v {
				switch kind {
				case 0:
					v[i] = math.Abs(r.NormFloat64())
				case 1:
					v[i] = math.Round(math.Abs(r.NormFloat64()) * 2) // ties and zeros
				case 2:
					v[i] = math.Exp(40 * r.NormFloat64()) // many binades
				case 3:
					v[i] = math.Abs(r.NormFloat64())
					if i == n/3 {
						v[i] = math.Inf(1)
					}
				}
			}
			in := slices.Clone(v)
			s := slices.Sorted(slices.Values(v))
			for _, k := range []int{0, n / 2, n - 1} {
				if got := selectNonNeg(v, k, &sc); got != s[k] {
					t.Errorf("n=%d kind %d: selectNonNeg(%d) = %g, want %g", n, kind, k, got, s[k])
				}
			}
			if !slices.Equal(v, in) {
				t.Errorf("n=%d kind %d: selectNonNeg reordered its input", n, kind)
			}
		}
	}
}

// The design with drift, built from the one without on the same series,
// holds the sums a fresh build computes, and the residuals of the
// unrolled one-pass fits for six and nine columns are those of the
// general loop followed by a pass subtracting each segment's mean.
func TestDesignSharedSums(t *testing.T) {
	x, ts := synth{n: 864, daily: 3, steps: map[int]float64{300: 2}}.gen(5)
	d := New(Options{})
	var seasonal, shared, fresh design
	seasonal.build(d, x, ts, false, nil)
	shared.build(d, x, ts, true, &seasonal)
	fresh.build(d, x, ts, true, nil)
	if len(seasonal.cols) != 6 || len(shared.cols) != 9 {
		t.Fatalf("columns %d and %d, want 6 and 9", len(seasonal.cols), len(shared.cols))
	}
	if shared.xx != fresh.xx || !slices.Equal(shared.xpre, fresh.xpre) || !slices.Equal(shared.xty, fresh.xty) {
		t.Errorf("shared sums differ from a fresh build: xx %g/%g, xty %v/%v", shared.xx, fresh.xx, shared.xty, fresh.xty)
	}
	other := slices.Clone(x)
	other[0]++
	var again design
	if again.build(d, other, ts, true, &seasonal); again.xx == fresh.xx {
		t.Error("a different series reused the sums of x")
	}
	r := rand.New(rand.NewPCG(6, 6))
	for _, ds := range []*design{&seasonal, &fresh} {
		p := len(ds.cols)
		beta := make([]float64, p)
		for j := range beta {
			beta[j] = r.NormFloat64()
		}
		got := make([]float64, len(x))
		want := make([]float64, len(x))
		ds.residuals(x, []int{300}, beta, got)
		// The two passes residuals once made: the fit, then each
		// segment's mean.
		fitRows(ds.rows, x, beta, want, 0)
		for _, seg := range [][2]int{{0, 300}, {300, len(x)}} {
			m := ds.segmentMean(seg[0], seg[1], beta)
			for i := seg[0]; i < seg[1]; i++ {
				want[i] -= m
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("p=%d: unrolled residuals differ from the general loop", p)
		}
	}
}
