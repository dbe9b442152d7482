package detector

import (
	"math"
	"slices"
)

// kept reports which nuisance terms an adjustment kept, and the sum of
// their penalties (see termPenalty).
type kept struct {
	seasonal, drift bool
	pen             float64
}

// any reports whether any term was kept.
func (k kept) any() bool { return k.seasonal || k.drift }

// A nuisance term of the adjustment: a block of regressor columns that is
// kept or dropped as a whole by its significance test.
type term struct {
	first, count int // columns [first, first+count)
	drift        bool
}

// adjust fits the smooth nuisance in x — harmonics of each seasonal period
// the timestamps cover at least twice, and a linear trend — by least squares
// on the residuals of the segmentation ks, keeps each term that a chi-square
// test on the long-run noise level finds significant at Alpha, and writes the
// fitted nuisance (zero mean) into comp. It reports which terms were kept
// (comp is only written when one was) and their penalty.
// The trend is left out of the first pass, before any step is known, since
// a trend would otherwise absorb the steps it cannot tell from drift.
func (d *Detector) adjust(x []float64, times []int64, ks []int, comp []float64, trend bool) (k kept) {
	n := len(x)
	ds := &d.des[b2i(trend)]
	if !ds.valid {
		var from *design
		if trend {
			from = &d.des[0]
		}
		ds.build(d, x, times, trend, from)
	}
	if len(ds.terms) == 0 {
		return kept{}
	}
	p := len(ds.cols)
	all := d.ints(p)
	g, h, uu := ds.normal(ks, d.g, d.h)
	d.g, d.h = g, h
	beta := append(d.beta[:0], solve(g, h, p, all, &d.l, &d.sol)...)
	d.beta = beta
	// One Huber step: clip residuals at three robust standard deviations
	// (from successive differences, once per series) so rare huge
	// outliers do not drag the fit, then refit. The clipped part δ is
	// sparse, so the normal equations are corrected in place.
	e := slices.Grow(d.e[:0], n)[:n]
	delta := slices.Grow(d.u[:0], n)[:n]
	d.e, d.u = e, delta
	ds.residuals(x, ks, beta, e)
	clipped := d.clipped[:0] // the points with a nonzero δ (delta holds it)
	if s := 3 * d.noise; s > 0 {
		a := 0
		for j := 0; j <= len(ks); j++ {
			b := n
			if j < len(ks) {
				b = ks[j]
			}
			inv := 1 / float64(b-a)
			mx := (ds.xpre[b] - ds.xpre[a]) * inv
			for i := a; i < b; i++ {
				if math.Abs(e[i]) <= s {
					continue
				}
				dl := e[i] - math.Copysign(s, e[i])
				delta[i] = dl
				clipped = append(clipped, i)
				uu += dl*dl - 2*(x[i]-mx)*dl
				for k, c := range ds.cols {
					h[k] -= dl * (c[i] - (ds.pre[k][b]-ds.pre[k][a])*inv)
				}
			}
			a = b
		}
		beta = append(beta[:0], solve(g, h, p, all, &d.l, &d.sol)...)
		ds.residuals(x, ks, beta, e)
		for _, i := range clipped {
			e[i] -= delta[i]
		}
	}
	d.clipped = clipped
	rssFull := uu - dot(h, beta)
	v := residualLongRunVar(e, n-len(ks)-1-p)
	if v <= 0 {
		return kept{}
	}
	keep := d.keep[:0]
	for ti, t := range ds.terms {
		others := d.others[:0]
		for tj, o := range ds.terms {
			if tj != ti {
				for j := o.first; j < o.first+o.count; j++ {
					others = append(others, j)
				}
			}
		}
		d.others = others
		sub := solve(g, h, p, others, &d.l, &d.sol)
		rssWithout := uu
		for bi, j := range others {
			rssWithout -= h[j] * sub[bi]
		}
		if chi2Survival((rssWithout-rssFull)/v, t.count) < d.opts.Alpha {
			for j := t.first; j < t.first+t.count; j++ {
				keep = append(keep, j)
			}
			if t.drift {
				k.drift = true
			} else {
				k.seasonal = true
			}
			k.pen += d.termPenalty(t.count)
		}
	}
	d.keep = keep
	if len(keep) == 0 {
		return kept{}
	}
	if len(keep) < p {
		beta = append(beta[:0], solve(g, h, p, keep, &d.l, &d.sol)...)
	} else {
		keep = all
	}
	// comp = X[:, keep]·beta, row by row from the row-major copy: each
	// point's sum runs over the columns in the order the column-by-column
	// accumulation into a cleared comp took, so the values are the same.
	rows := ds.rows[:n*p]
	beta = beta[:len(keep)]
	for i := range comp[:n] {
		row := rows[i*p : i*p+p : i*p+p]
		s := 0.0
		for bi, j := range keep {
			s += beta[bi] * row[j]
		}
		comp[i] = s
	}
	return k
}

// ints returns 0..p−1 in a reusable buffer.
func (d *Detector) ints(p int) []int {
	all := d.all[:0]
	for j := range p {
		all = append(all, j)
	}
	d.all = all
	return all
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

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
