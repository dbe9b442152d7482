package funcdetect

import (
	"math"
	"sort"

	"github.com/wattson-dev/wattson/detector"
)

// RequestsAt samples a request-rate series at times (unix seconds): the
// value of the sample nearest each time, when one lies within maxGap
// seconds; NaN otherwise. The result is Options.Requests.
func RequestsAt(times []int64, rate detector.Series, maxGap int64) []float64 {
	out := make([]float64, len(times))
	ts := rate.Times
	for i, t := range times {
		out[i] = math.NaN()
		j := sort.Search(len(ts), func(k int) bool { return ts[k] >= t })
		best, gap := -1, maxGap+1
		for _, k := range []int{j - 1, j} {
			if k >= 0 && k < len(ts) {
				if g := abs64(ts[k] - t); g < gap {
					best, gap = k, g
				}
			}
		}
		if best >= 0 && best < len(rate.Values) {
			out[i] = rate.Values[best]
		}
	}
	return out
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
