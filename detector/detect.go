package detector

import (
	"math"
	"slices"
	"time"
)

// Detector finds changes in series. It keeps scratch buffers between calls
// so that scanning many series allocates little; it is not safe for
// concurrent use — give each goroutine its own.
type Detector struct {
	opts Options

	tables map[int][]float64
	pairs  []rankPair
	cs     []float64

	x, y, z, comp, prev []float64
	t                   []int64
	idx                 []int

	cols, colBuf, xd, xdBuf [][]float64
	u, e, tmp               []float64
}

// New returns a Detector with opts (zero fields take their defaults).
func New(opts Options) *Detector {
	return &Detector{opts: opts.withDefaults(), tables: make(map[int][]float64)}
}

// Detect finds the changes in one series with opts; see Detector.Detect.
func Detect(values []float64, times []int64, opts Options) []Change {
	return New(opts).Detect(values, times)
}

// Detect returns the changes in values, sorted by index. times holds the unix
// seconds of each value, ascending, or is nil. Non-finite values are skipped.
func (d *Detector) Detect(values []float64, times []int64) []Change {
	if len(times) != len(values) {
		times = nil
	}
	x, t, idx := d.finite(values, times)
	n := len(x)
	if n < 2*d.opts.MinSegment {
		return nil
	}
	y := slices.Grow(d.y[:0], n)[:n]
	z := slices.Grow(d.z[:0], n)[:n]
	comp := slices.Grow(d.comp[:0], n)[:n]
	d.y, d.z, d.comp = y, z, comp
	copy(y, x)
	d.normalScores(y, z)
	splits := d.segment(z)
	adjusted := false
	for range d.opts.Iterations {
		ks := keys(splits)
		ok := d.adjust(x, t, ks, comp)
		if !ok && !adjusted {
			break
		}
		adjusted = ok
		for i := range y {
			y[i] = x[i]
			if ok {
				y[i] -= comp[i]
			}
		}
		d.normalScores(y, z)
		next := d.segment(z)
		if slices.Equal(keys(next), ks) {
			splits = next
			break
		}
		splits = next
	}
	return d.changes(y, t, idx, splits, len(values))
}

// finite copies the finite values (and their times and positions).
func (d *Detector) finite(values []float64, times []int64) ([]float64, []int64, []int) {
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
func (d *Detector) changes(y []float64, t []int64, idx []int, splits []split, _ int) []Change {
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

// trimmedMean is the mean of v without its lowest and highest 20%.
func trimmedMean(v []float64, tmp *[]float64) float64 {
	s := append((*tmp)[:0], v...)
	slices.Sort(s)
	*tmp = s
	cut := len(s) / 5
	s = s[cut : len(s)-cut]
	sum := 0.0
	for _, x := range s {
		sum += x
	}
	return sum / float64(len(s))
}
