package detector

import (
	"context"
	"math"
	"slices"
	"time"
)

// Detector finds changes in series. It keeps scratch buffers between calls
// so that scanning many series allocates little; it is not safe for
// concurrent use — give each goroutine its own.
type Detector struct {
	opts   Options
	zAlpha float64 // the two-sided normal quantile at Alpha
	zOne   float64 // the one-sided normal quantile at Alpha
	noise  float64 // robust noise scale of the series being explained

	rank ranker
	cs   []float64

	x, z, zx, comp, comp2 []float64
	ys                    [][]float64
	pens                  map[int]float64
	grids                 map[int]grid
	nuTab                 []float64
	t                     []int64
	idx                   []int

	u, e, w, te, tmp []float64
	loc, locCS       []float64

	// The nuisance regressors of the series being scanned, without and
	// with drift, built at most once per series; and scratch space for
	// the normal equations.
	des                [2]design
	lines, zlines      lineSums
	g, h, beta, l, sol []float64
	all, keep, others  []int
	clipped            []int
	iota               int // idx[:iota] holds 0..iota−1
	memo               []splitMemo
	stack              [][2]int
	placed             []split // the raw changes relocated (placedRaw)
	placedOK           bool
	sel                selectScratch

	// done is the Done channel of the context of the DetectContext call
	// under way, nil otherwise; the long loops poll it (stopped).
	done stop
}

// New returns a Detector with opts (zero fields take their defaults).
func New(opts Options) *Detector {
	o := opts.withDefaults()
	return &Detector{opts: o, zAlpha: normQuantile(1 - o.Alpha/2), zOne: normQuantile(1 - o.Alpha),
		rank: ranker{tables: make(map[int][]float64)}, pens: make(map[int]float64), grids: make(map[int]grid)}
}

// Detect finds the changes in one series with opts; see Detector.Detect.
func Detect(values []float64, times []int64, opts Options) []Change {
	return New(opts).Detect(values, times)
}

// DetectContext is Detect that gives up when ctx ends: the detector's
// loops poll ctx between passes over the series, so a long series is
// abandoned within a pass of ctx's end, and the error is ctx's.
func (d *Detector) DetectContext(ctx context.Context, values []float64, times []int64) ([]Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.done = stop(ctx.Done())
	defer func() { d.done = nil }()
	cs := d.Detect(values, times)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return cs, nil
}

// stop is the Done channel of a DetectContext call's context, nil outside
// one.
type stop <-chan struct{}

// stopped reports whether the context of the DetectContext call under way
// has ended; the partial result is then thrown away.
func (s stop) stopped() bool {
	if s == nil {
		return false
	}
	select {
	case <-s:
		return true
	default:
		return false
	}
}

// Detect returns the changes in values, sorted by index. times holds the unix
// seconds of each value, ascending, or is nil. Non-finite values are skipped.
func (d *Detector) Detect(values []float64, times []int64) []Change {
	if len(times) != len(values) {
		times = nil
	}
	x, t, idx := d.finite(values, times)
	for trims := 0; ; trims++ {
		if d.done.stopped() {
			return nil
		}
		d.des[0].valid, d.des[1].valid = false, false
		if len(x) < 2*d.opts.MinSegment {
			return nil
		}
		splits, y := d.detect(x, t)
		if len(splits) == 0 || splits[0].k >= d.opts.TransientMax || trims == 2 || len(x)-splits[0].k < 2*d.opts.MinSegment {
			return d.changes(y, t, idx, splits)
		}
		// The first level is too short to be a baseline (often a
		// counter warming up): judge the series without it.
		k := splits[0].k
		x, idx = x[k:], idx[k:]
		if t != nil {
			t = t[k:]
		}
	}
}

// lagOneAutocorr is the lag-one autocorrelation of z around its mean.
func lagOneAutocorr(z []float64) float64 {
	mu := 0.0
	for _, v := range z {
		mu += v
	}
	mu /= float64(len(z))
	var s0, s1 float64
	for i, v := range z {
		s0 += (v - mu) * (v - mu)
		if i > 0 {
			s1 += (v - mu) * (z[i-1] - mu)
		}
	}
	if s0 == 0 {
		return 0
	}
	return s1 / s0
}

// finite copies the finite values (and their times and positions).
//
// A series with no NaN or Inf (the usual case) is copied whole, its
// positions 0..n−1 kept from the last such series.
func (d *Detector) finite(values []float64, times []int64) ([]float64, []int64, []int) {
	n := len(values)
	all := true
	for _, v := range values {
		if v-v != 0 { // NaN and ±Inf only
			all = false
			break
		}
	}
	if all {
		x := append(d.x[:0], values...)
		var t []int64
		if times != nil {
			t = append(d.t[:0], times...)
			d.t = t
		}
		if d.iota < n {
			d.idx = slices.Grow(d.idx[:0], n)[:n]
			for i := range d.idx {
				d.idx[i] = i
			}
			d.iota = n
		}
		d.x = x
		return x, t, d.idx[:n]
	}
	d.iota = 0
	x, t, idx := d.x[:0], d.t[:0], d.idx[:0]
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		x = append(x, v)
		idx = append(idx, i)
		if times != nil {
			t = append(t, times[i])
		}
	}
	d.x, d.t, d.idx = x, t, idx
	if times == nil {
		t = nil
	}
	return x, t, idx
}

// changes turns splits of the adjusted series y into Changes.
func (d *Detector) changes(y []float64, t []int64, idx []int, splits []split) []Change {
	if len(splits) == 0 {
		return nil
	}
	ks := keys(splits)
	n := len(y)
	levels := make([]float64, len(ks)+1)
	for j := range levels {
		a, b := 0, n
		if j > 0 {
			a = ks[j-1]
		}
		if j < len(ks) {
			b = ks[j]
		}
		levels[j] = trimmedMean(y[a:b], &d.tmp)
	}
	last := levels[len(levels)-1]
	out := make([]Change, len(splits))
	for j, s := range splits {
		before, after := levels[j], levels[j+1]
		end := n
		if j+1 < len(ks) {
			end = ks[j+1]
		}
		c := Change{
			Index:      idx[s.k],
			Before:     before,
			After:      after,
			Abs:        after - before,
			Direction:  Up,
			Confidence: math.Max(0, math.Min(1, 1-s.p)),
			Points:     end - s.k,
		}
		if before != 0 {
			c.Pct = 100 * c.Abs / math.Abs(before)
		}
		if after < before {
			c.Direction = Down
		}
		if t != nil {
			c.Time = time.Unix(t[s.k], 0).UTC()
			c.Duration = time.Duration(t[end-1]-t[s.k]) * time.Second
		}
		c.WentAway = j+1 < len(ks) && math.Abs(last-before) <= 0.5*math.Abs(after-before)
		out[j] = c
	}
	return out
}

// keys returns the split positions.
func keys(s []split) []int {
	ks := make([]int, len(s))
	for i, v := range s {
		ks[i] = v.k
	}
	return ks
}
