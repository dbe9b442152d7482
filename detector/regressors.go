package detector

import (
	"math"
	"slices"
	"time"
)

// Seasonal periods tried when the timestamps cover at least two of them.
const (
	day  = 86400
	week = 7 * day
	year = 31557600 // 365.25 days
)

// regressors builds the nuisance columns for n points at times (nil: the
// point index is the time): harmonics of each period covered at least twice
// with at least eight points per period, then (if trend) a
// polynomial drift. Every column
// has zero mean. terms groups the columns that are tested together. The
// columns live in buf, reused across series.
func (o Options) regressors(times []int64, n int, trend bool, buf *[][]float64) ([][]float64, []term) {
	var cols [][]float64
	var terms []term
	col := func() []float64 {
		j := len(cols)
		if j >= len(*buf) {
			*buf = append(*buf, nil)
		}
		c := slices.Grow((*buf)[j][:0], n)[:n]
		(*buf)[j] = c
		cols = append(cols, c)
		return c
	}
	if len(times) == n && n > 1 {
		span := float64(times[n-1] - times[0])
		step := span / float64(n-1)
		for _, period := range o.Periods {
			per := period.Seconds()
			if per <= 0 || span < 2*per || step > per/8 {
				continue
			}
			harmonics := min(o.Harmonics, int(per/step)/4)
			first := len(cols)
			cs := make([][]float64, 0, 2*harmonics)
			for range 2 * harmonics {
				cs = append(cs, col())
			}
			for i, t := range times {
				th := phase(t-times[0], period)
				s1, c1 := math.Sincos(th)
				s, c := s1, c1
				for h := range harmonics {
					cs[2*h][i], cs[2*h+1][i] = c, s
					s, c = s*c1+c*s1, c*c1-s*s1
				}
			}
			terms = append(terms, term{first: first, count: 2 * harmonics})
		}
	}
	if trend && n >= 4*o.MinSegment {
		// Slow drift: Legendre polynomials of degree 1..DriftDegree in the
		// time scaled to [−1, 1], tested as one block.
		first := len(cols)
		ps := make([][]float64, 0, o.DriftDegree)
		for range o.DriftDegree {
			ps = append(ps, col())
		}
		for i := range n {
			u := 2*float64(i)/float64(n-1) - 1
			if len(times) == n {
				u = 2*float64(times[i]-times[0])/float64(max(1, times[n-1]-times[0])) - 1
			}
			p0, p1 := 1.0, u
			for deg := range ps {
				ps[deg][i] = p1
				p0, p1 = p1, (float64(2*deg+3)*u*p1-float64(deg+1)*p0)/float64(deg+2)
			}
		}
		terms = append(terms, term{first: first, count: len(ps), drift: true})
	}
	for _, c := range cols {
		mu := 0.0
		for _, v := range c {
			mu += v
		}
		mu /= float64(n)
		for i := range c {
			c[i] -= mu
		}
	}
	return cols, terms
}

// phase is the angle of dt seconds within period: exact integer arithmetic
// for whole-second periods (all the defaults), math.Mod otherwise.
func phase(dt int64, period time.Duration) float64 {
	if period%time.Second == 0 {
		return 2 * math.Pi * float64(dt%int64(period/time.Second)) / period.Seconds()
	}
	return 2 * math.Pi * math.Mod(float64(dt), period.Seconds()) / period.Seconds()
}
