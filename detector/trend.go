package detector

import (
	"math"
	"slices"
)

// lineSums holds the prefix sums that give the least-squares line of any
// segment of a series u in O(1): of 1 (implicit), i, i², u, i·u and u².
// The index i is local to the series (0..n−1).
//
// The sums of i and i² depend on n alone and are kept while n is; so is
// what bestLineSplit needs of them for the whole series (whole).
type lineSums struct {
	i, ii, u, iu, uu []float64
	n                int // the length the sums of i and i² are for, +1; 0: none
	whole            splitSides
}

// splitSides holds, for each split k of [0, n), the count, the sum of i
// and of i², and the parts of moments.rss that depend on them alone —
// 1/count and the centred sum of squares of i — of [0, k) (left) and of
// [k, n) (right): the same values rss computes from them.
type splitSides struct {
	n           int
	left, right []sideIndex
}

type sideIndex struct{ n, i, ii, inv, vii float64 }

// side returns the index part of the moments m.
func side(m moments) sideIndex {
	inv := 1 / m.n
	return sideIndex{n: m.n, i: m.i, ii: m.ii, inv: inv, vii: m.ii - m.i*m.i*inv}
}

// fill computes the prefix sums of u, reusing the buffers.
func (s *lineSums) fill(u []float64) {
	n := len(u)
	grow := func(b []float64) []float64 { return slices.Grow(b[:0], n+1)[:n+1] }
	s.u, s.iu, s.uu = grow(s.u), grow(s.iu), grow(s.uu)
	if s.n != n+1 {
		s.i, s.ii = grow(s.i), grow(s.ii)
		s.i[0], s.ii[0] = 0, 0
		for k := range n {
			fi := float64(k)
			s.i[k+1] = s.i[k] + fi
			s.ii[k+1] = s.ii[k] + fi*fi
		}
		s.n = n + 1
	}
	s.u[0], s.iu[0], s.uu[0] = 0, 0, 0
	var su, siu, suu float64 // running sums in registers
	fi := 0.0
	for k, v := range u {
		su += v
		siu += fi * v
		suu += v * v
		s.u[k+1], s.iu[k+1], s.uu[k+1] = su, siu, suu
		fi++
	}
}

// sides returns the split sides of the whole series, built once per n.
func (s *lineSums) sides() *splitSides {
	n := s.n - 1
	w := &s.whole
	if w.n != n+1 {
		w.left = slices.Grow(w.left[:0], n+1)[:n+1]
		w.right = slices.Grow(w.right[:0], n+1)[:n+1]
		for k := 1; k < n; k++ {
			w.left[k] = side(moments{n: float64(k), i: s.i[k] - s.i[0], ii: s.ii[k] - s.ii[0]})
			w.right[k] = side(moments{n: float64(n - k), i: s.i[n] - s.i[k], ii: s.ii[n] - s.ii[k]})
		}
		w.n = n + 1
	}
	return w
}

// rssWith is moments.rss for the moments of side x and the sums u, iu,
// uu: the same arithmetic, with the index part taken from x.
func rssWith(x sideIndex, u, iu, uu float64) float64 {
	viu := iu - x.i*u*x.inv
	vuu := uu - u*u*x.inv
	if x.vii <= 0 {
		return nonNeg(vuu)
	}
	return nonNeg(vuu - viu*viu/x.vii)
}

// moments are the sums over some points of 1, i, i², u, i·u and u².
type moments struct{ n, i, ii, u, iu, uu float64 }

// sums returns the moments of [a, b).
func (s *lineSums) sums(a, b int) moments {
	return moments{float64(b - a), s.i[b] - s.i[a], s.ii[b] - s.ii[a],
		s.u[b] - s.u[a], s.iu[b] - s.iu[a], s.uu[b] - s.uu[a]}
}

// add returns the moments of the union of two disjoint sets of points.
func (m moments) add(o moments) moments {
	return moments{m.n + o.n, m.i + o.i, m.ii + o.ii, m.u + o.u, m.iu + o.iu, m.uu + o.uu}
}

// line returns the intercept and slope (in the series index) of the
// least-squares line over [a, b), and its residual sum of squares.
func (s *lineSums) line(a, b int) (icpt, slope, rss float64) {
	return s.sums(a, b).line()
}

// line returns the least-squares line through the points of m and its
// residual sum of squares.
func (m moments) line() (icpt, slope, rss float64) {
	n, si, sii, su, siu, suu := m.n, m.i, m.ii, m.u, m.iu, m.uu
	vii := sii - si*si/n
	viu := siu - si*su/n
	vuu := suu - su*su/n
	if vii > 0 {
		slope = viu / vii
	}
	icpt = (su - slope*si) / n
	rss = nonNeg(vuu - slope*viu)
	return icpt, slope, rss
}

// bestLineSplit returns the k in [a+m, b−m] at which two lines over [a,k)
// and [k,b) reduce the residual sum of squares of one line over [a,b) the
// most, and that reduction; k is −1 when no split is allowed. Over the
// whole series the index part of each side is kept (sides), which spares
// two of the four divisions per k with the same values.
func (s *lineSums) bestLineSplit(a, b, m int) (int, float64) {
	if b-a < 2*m {
		return -1, 0
	}
	if a != 0 || b != s.n-1 || m < 1 {
		return s.bestLineSplitGeneral(a, b, m)
	}
	whole := s.sums(a, b).rss()
	best, bestK := -1.0, -1
	w := s.sides()
	u0, iu0, uu0 := s.u[0], s.iu[0], s.uu[0]
	un, iun, uun := s.u[b], s.iu[b], s.uu[b]
	for k := a + m; k <= b-m; k++ {
		uk, iuk, uuk := s.u[k], s.iu[k], s.uu[k]
		l := rssWith(w.left[k], uk-u0, iuk-iu0, uuk-uu0)
		r := rssWith(w.right[k], un-uk, iun-iuk, uun-uuk)
		if red := whole - l - r; red > best {
			best, bestK = red, k
		}
	}
	return bestK, best
}

// bestLineSplitGeneral is bestLineSplit for any segment.
func (s *lineSums) bestLineSplitGeneral(a, b, m int) (int, float64) {
	if b-a < 2*m {
		return -1, 0
	}
	whole := s.sums(a, b).rss()
	best, bestK := -1.0, -1
	for k := a + m; k <= b-m; k++ {
		if red := whole - s.sums(a, k).rss() - s.sums(k, b).rss(); red > best {
			best, bestK = red, k
		}
	}
	return bestK, best
}

// rss is the residual sum of squares of the least-squares line through
// the points of m (line's third result, with less arithmetic: the split
// search calls it twice per position).
func (m moments) rss() float64 {
	inv := 1 / m.n
	vii := m.ii - m.i*m.i*inv
	viu := m.iu - m.i*m.u*inv
	vuu := m.uu - m.u*m.u*inv
	if vii <= 0 {
		return nonNeg(vuu)
	}
	return nonNeg(vuu - viu*viu/vii)
}

// nonNeg is math.Max(0, v) by a comparison the compiler inlines: math.Max
// is an assembly call on amd64, and the builtin max, with its signed-zero
// handling, was slower still in bestLineSplit's loop (52 µs against 15 µs
// for 864 points; 11 µs with nonNeg). NaN stays NaN, as with math.Max; a
// −0 stays −0, which compares and sums as 0.
func nonNeg(v float64) float64 {
	if v < 0 {
		return 0
	}
	return v
}

// trendPValue is the p-value of a trend break with residual-sum reduction
// r (in units of the noise variance) found by searching the splits of a
// segment of L points: the chi-square (two degrees of freedom: a new
// level and a new slope) tail, Bonferroni-corrected for the L−2m+1
// positions searched.
func (o Options) trendPValue(r float64, L int) float64 {
	places := L - 2*o.MinSegment + 1
	if places < 1 || r <= 0 {
		return 1
	}
	return math.Min(1, float64(places)*math.Exp(-r/2))
}

// trendPenalty is the reduction at which trendPValue on n points equals
// Alpha: what a trend break must earn in the comparison of explanations.
func (o Options) trendPenalty(n int) float64 {
	places := max(1, n-2*o.MinSegment+1)
	return 2 * math.Log(float64(places)/o.Alpha)
}

// trendSegment finds trend breaks in u — changes of level and slope of a
// piecewise-linear fit — by forward selection: the best split of any
// segment is added while its test passes, with the noise level taken as
// the long-run standard deviation of the residuals of the fit that
// includes it (lag-one autocorrelation corrected), so a smooth curve is
// not cut into a chain of short lines. The result is sorted by k.
func (d *Detector) trendSegment(u []float64) []split {
	n, m := len(u), d.opts.MinSegment
	s := &d.lines
	s.fill(u)
	var ks []int
	for !d.done.stopped() {
		bestJ, bestK, bestR := -1, -1, 0.0
		for j := 0; j <= len(ks); j++ {
			a, b := segBounds(ks, j, n)
			if k, r := s.bestLineSplit(a, b, m); k >= 0 && r > bestR {
				bestJ, bestK, bestR = j, k, r
			}
		}
		if bestJ < 0 {
			break
		}
		next := slices.Insert(slices.Clone(ks), bestJ, bestK)
		sigma := d.lineLongRunSigma(u, next)
		if sigma <= 0 || d.opts.trendPValue(bestR/(sigma*sigma), n) >= d.opts.Alpha {
			break
		}
		ks = next
	}
	ks = d.dropTrendTransients(u, ks)
	sigma := d.lineLongRunSigma(u, ks)
	out := make([]split, len(ks))
	for j, k := range ks {
		a, b := bounds(ks, j, n)
		_, _, whole := s.line(a, b)
		_, _, l := s.line(a, k)
		_, _, r := s.line(k, b)
		out[j] = split{k: k, p: d.opts.trendPValue((whole-l-r)/(sigma*sigma), b-a)}
	}
	return out
}

// dropTrendTransients removes pairs of breaks that enclose fewer than
// TransientMax points when one line fits the points on either side of the
// pair (a chi-square test with two degrees of freedom at Alpha): an
// excursion that went away, not two changes of trend.
func (d *Detector) dropTrendTransients(u []float64, ks []int) []int {
	n := len(u)
	for j := 0; j+1 < len(ks); {
		if ks[j+1]-ks[j] >= d.opts.TransientMax {
			j++
			continue
		}
		a, _ := segBounds(ks, j, n)
		_, b := segBounds(ks, j+2, n)
		left, right := d.lines.sums(a, ks[j]), d.lines.sums(ks[j+1], b)
		_, _, one := left.add(right).line()
		_, _, l := left.line()
		_, _, r := right.line()
		sigma := d.lineLongRunSigma(u, ks)
		if sigma > 0 && chi2Survival((one-l-r)/(sigma*sigma), 2) < d.opts.Alpha {
			j++
			continue
		}
		ks = slices.Delete(ks, j, j+2)
	}
	return ks
}

// segBounds returns segment j, [a, b), of n points cut at ks.
func segBounds(ks []int, j, n int) (int, int) {
	a, b := 0, n
	if j > 0 {
		a = ks[j-1]
	}
	if j < len(ks) {
		b = ks[j]
	}
	return a, b
}

// residuals writes into e the residuals of u (the series s sums) around
// the least-squares line of each segment of ks.
func (s *lineSums) residuals(u []float64, ks []int, e []float64) {
	n := len(u)
	for j := 0; j <= len(ks); j++ {
		a, b := segBounds(ks, j, n)
		icpt, slope, _ := s.line(a, b)
		for i := a; i < b; i++ {
			e[i] = u[i] - icpt - slope*float64(i)
		}
	}
}

// lineLongRunSigma is the long-run standard deviation of the residuals of
// u around the lines of ks (see residualLongRunVar).
func (d *Detector) lineLongRunSigma(u []float64, ks []int) float64 {
	e := slices.Grow(d.e[:0], len(u))[:len(u)]
	d.e = e
	d.lines.residuals(u, ks, e)
	return math.Sqrt(residualLongRunVar(e, len(u)-2*(len(ks)+1)))
}

// trendBreakPlausible reports whether the best single trend break of x
// passes its test — the first step of trendSegment, without the seasonal
// adjustment and the Huber step of a full trend fit.
func (d *Detector) trendBreakPlausible(x []float64, sigma float64) bool {
	n := len(x)
	u := d.centred(x, sigma)
	d.lines.fill(u)
	k, r := d.lines.bestLineSplit(0, n, d.opts.MinSegment)
	if k < 0 {
		return false
	}
	s := d.lineLongRunSigma(u, []int{k})
	return s > 0 && d.opts.trendPValue(r/(s*s), n) < d.opts.Alpha
}

// centred returns y less its mean, in units of sigma, so that the prefix
// sums of a trend fit keep their precision (lines have intercepts: the
// centre changes nothing else).
func (d *Detector) centred(y []float64, sigma float64) []float64 {
	mu := 0.0
	for _, v := range y {
		mu += v
	}
	mu /= float64(len(y))
	u := slices.Grow(d.u[:0], len(y))[:len(y)]
	d.u = u
	for i, v := range y {
		u[i] = (v - mu) / sigma
	}
	return u
}

// trendExplanation explains x by a piecewise-linear level with trend
// breaks, on top of whatever seasonality is significant, and returns it
// with its penalised cost in the units of Detector.cost: the Huber loss of
// the residuals around the lines in units of sigma, plus per break the
// reduction its test demands on n points, plus the chi-square penalty of
// one slope and of any seasonal term kept. Seasonal fit and segmentation
// alternate as in explain: the seasonal terms are fitted to the residuals
// of the lines, which carry no trend to hide them.
func (d *Detector) trendExplanation(x []float64, t []int64, y []float64, sigma float64) (explanation, float64) {
	n := len(x)
	comp := slices.Grow(d.comp[:0], n)[:n]
	r := slices.Grow(d.comp2[:0], n)[:n]
	d.comp, d.comp2 = comp, r
	copy(y, x)
	var splits []split
	var e []float64
	var k kept
	for it := range d.opts.Iterations {
		if it > 0 && d.done.stopped() {
			break
		}
		next, res := d.fitTrend(y, sigma)
		done := it > 0 && slices.Equal(keys(next), keys(splits))
		splits, e = next, res
		if done {
			break
		}
		// What the lines leave of x: seasonality and noise.
		for i := range r {
			r[i] = x[i] - y[i] + e[i]*sigma
		}
		d.des[0].valid = false
		k = d.adjust(r, t, nil, comp, false)
		d.des[0].valid = false
		if !k.any() {
			break
		}
		for i := range y {
			y[i] = x[i] - comp[i]
		}
	}
	// Each line is centred on the trimmed mean of its residuals, as
	// Detector.cost centres each level, so that skewed noise favours
	// neither explanation.
	ks := keys(splits)
	loss := 0.0
	for j := 0; j <= len(ks); j++ {
		a, b := segBounds(ks, j, n)
		c := trimmedMean(e[a:b], &d.tmp)
		for _, v := range e[a:b] {
			v = math.Abs(v - c)
			if v <= hubK {
				loss += v * v
			} else {
				loss += 2*hubK*v - hubK*hubK
			}
		}
	}
	pen := k.pen + d.termPenalty(1) + float64(len(splits))*d.opts.trendPenalty(n)
	return explanation{splits: splits, y: y, pen: pen}, loss + pen
}

// fitTrend finds the trend breaks of y and returns them with the
// residuals of y around the lines, in units of sigma. One Huber step, as
// in adjust, clips the points further than hubK noise units from a first
// fit, so that outliers and short spikes cannot place breaks; the
// residuals are those of the unclipped values.
func (d *Detector) fitTrend(y []float64, sigma float64) ([]split, []float64) {
	n := len(y)
	u := d.centred(y, sigma)
	splits := d.trendSegment(u)
	e := slices.Grow(d.te[:0], n)[:n]
	d.te = e
	d.lines.residuals(u, keys(splits), e)
	w := slices.Grow(d.w[:0], n)[:n]
	d.w = w
	clipped := false
	for i, r := range e {
		w[i] = u[i]
		if math.Abs(r) > hubK {
			w[i] -= r - math.Copysign(hubK, r)
			clipped = true
		}
	}
	if clipped {
		splits = d.trendSegment(w)
	}
	d.lines.residuals(w, keys(splits), e)
	for i := range e {
		e[i] += u[i] - w[i]
	}
	return splits, e
}
