package skills

import (
	"math"
	"sort"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

// maxDetectPoints bounds the series length handed to the detector; longer
// series are summarised by bucket medians first, and each change found is
// then placed at full resolution. The detector's cost grows faster than
// linearly, and a CPU step lasting hours does not need minute buckets to be
// found.
const maxDetectPoints = 2000

// detectCoarse runs the detector over bucket medians of s and refines each
// change's time on the raw points.
func detectCoarse(s detector.Series) []detector.Change {
	n := len(s.Values)
	if n <= maxDetectPoints || len(s.Times) != n {
		return detector.Detect(s.Values, s.Times, detector.DefaultOptions())
	}
	k := (n + maxDetectPoints - 1) / maxDetectPoints
	var vals []float64
	var times []int64
	var starts []int
	for i := 0; i < n; i += k {
		j := min(n, i+k)
		vals = append(vals, median(finite(s.Values[i:j])))
		times = append(times, s.Times[i])
		starts = append(starts, i)
	}
	changes := detector.Detect(vals, times, detector.DefaultOptions())
	for ci := range changes {
		c := &changes[ci]
		if c.Index <= 0 || c.Index >= len(starts) {
			continue
		}
		lo := starts[max(0, c.Index-2)]
		hi := starts[min(len(starts)-1, c.Index+1)] + k
		i := refineSplit(s.Values, lo, min(n, hi), 3*k)
		c.Index, c.Time = i, time.Unix(s.Times[i], 0).UTC()
	}
	return changes
}

// refineSplit finds, for a split in [lo, hi), the index that best separates
// two levels, judged on up to ctx points either side.
func refineSplit(v []float64, lo, hi, ctx int) int {
	from, to := max(0, lo-ctx), min(len(v), hi+ctx)
	best, bestCost := lo, math.Inf(1)
	for i := max(lo, from+1); i < hi && i < to; i++ {
		cost := sse(v[from:i]) + sse(v[i:to])
		if cost < bestCost {
			best, bestCost = i, cost
		}
	}
	return best
}

// sse is the sum of squared deviations from the mean, skipping NaNs.
func sse(xs []float64) float64 {
	var n, mean, m2 float64
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		n++
		d := x - mean
		mean += d / n
		m2 += d * (x - mean)
	}
	return m2
}

func finite(xs []float64) []float64 {
	out := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	sort.Float64s(out)
	return out
}
