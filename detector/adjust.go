package detector

import (
	"math"
	"slices"
)

// A nuisance term of the adjustment: a block of regressor columns that is
// kept or dropped as a whole by its significance test.
type term struct {
	first, count int // columns [first, first+count)
}

// adjust fits the smooth nuisance in x — harmonics of each seasonal period
// the timestamps cover at least twice, and a linear trend — by least squares
// on the residuals of the segmentation ks, keeps each term that a chi-square
// test on the long-run noise level finds significant at Alpha, and writes the
// fitted nuisance (zero mean) into comp. It reports whether any term was kept.
// The trend is left out of the first pass, before any step is known, since
// a trend would otherwise absorb the steps it cannot tell from drift.
func (d *Detector) adjust(x []float64, times []int64, ks []int, comp []float64, trend bool) bool {
	n := len(x)
	cols, terms := d.regCols, d.regTerms
	if d.regValid != 1+b2i(trend) {
		cols, terms = d.regressors(times, n, trend)
		d.regCols, d.regTerms, d.regValid = cols, terms, 1+b2i(trend)
	}
	if len(terms) == 0 {
		return false
	}
	p := len(cols)
	// Partial out the segment means: demean response and columns per segment.
	u := slices.Grow(d.u[:0], n)[:n]
	copy(u, x)
	demeanSegments(u, ks)
	xd := d.xd[:0]
	for j, c := range cols {
		if j >= len(d.xdBuf) {
			d.xdBuf = append(d.xdBuf, nil)
		}
		b := slices.Grow(d.xdBuf[j][:0], n)[:n]
		copy(b, c)
		demeanSegments(b, ks)
		d.xdBuf[j] = b
		xd = append(xd, b)
	}
	d.u, d.xd = u, xd
	all := make([]int, p)
	for j := range all {
		all[j] = j
	}
	g, h := gram(xd, u)
	beta := solve(g, h, all)
	// One Huber step: clip residuals at three robust standard deviations so
	// rare huge outliers do not drag the fit, then refit.
	e := d.e[:0]
	for i := range n {
		f := 0.0
		for j, c := range xd {
			f += beta[j] * c[i]
		}
		e = append(e, u[i]-f)
	}
	d.e = e
	if s := 3 * 1.4826 * medianAbs(e, &d.tmp); s > 0 {
		for i := range u {
			u[i] -= e[i] - math.Max(-s, math.Min(s, e[i]))
		}
		g, h = gram(xd, u)
		beta = solve(g, h, all)
	}
	uu := dot(u, u)
	rssFull := uu - dot(h, beta)
	for i := range n {
		f := 0.0
		for j, c := range xd {
			f += beta[j] * c[i]
		}
		e[i] = u[i] - f
	}
	v := residualLongRunVar(e, n-len(ks)-1-p)
	if v <= 0 {
		return false
	}
	keep := all[:0:0]
	for ti, t := range terms {
		var others []int
		for tj, o := range terms {
			if tj != ti {
				for j := o.first; j < o.first+o.count; j++ {
					others = append(others, j)
				}
			}
		}
		rssWithout := uu - dot(pick(h, others), solve(g, h, others))
		if chi2Survival((rssWithout-rssFull)/v, t.count) < d.opts.Alpha {
			for j := t.first; j < t.first+t.count; j++ {
				keep = append(keep, j)
			}
		}
	}
	if len(keep) == 0 {
		return false
	}
	if len(keep) < p {
		beta = solve(g, h, keep)
	} else {
		keep = all
	}
	clear(comp)
	for bi, j := range keep {
		for i, c := range cols[j] {
			comp[i] += beta[bi] * c
		}
	}
	return true
}

// residualLongRunVar is the variance of residuals e with dof degrees of
// freedom, inflated for positive lag-one autocorrelation.
func residualLongRunVar(e []float64, dof int) float64 {
	if dof < 1 {
		return 0
	}
	var s0, s1 float64
	for i, v := range e {
		s0 += v * v
		if i > 0 {
			s1 += v * e[i-1]
		}
	}
	if s0 == 0 {
		return 0
	}
	v := s0 / float64(dof)
	if rho := s1 / s0; rho > 0 {
		rho = math.Min(rho, 0.95)
		v *= (1 + rho) / (1 - rho)
	}
	return v
}

// demeanSegments subtracts from v the mean of each segment of ks.
func demeanSegments(v []float64, ks []int) {
	a := 0
	for j := 0; j <= len(ks); j++ {
		b := len(v)
		if j < len(ks) {
			b = ks[j]
		}
		s := 0.0
		for _, x := range v[a:b] {
			s += x
		}
		mu := s / float64(b-a)
		for i := a; i < b; i++ {
			v[i] -= mu
		}
		a = b
	}
}

// medianAbs returns the median of |e| by quickselect, using tmp as scratch.
func medianAbs(e []float64, tmp *[]float64) float64 {
	t := (*tmp)[:0]
	for _, v := range e {
		t = append(t, math.Abs(v))
	}
	*tmp = t
	if len(t) == 0 {
		return 0
	}
	k := len(t) / 2
	lo, hi := 0, len(t)-1
	for lo < hi {
		p := t[(lo+hi)/2]
		i, j := lo, hi
		for i <= j {
			for t[i] < p {
				i++
			}
			for t[j] > p {
				j--
			}
			if i <= j {
				t[i], t[j] = t[j], t[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return t[k]
		}
	}
	return t[k]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
