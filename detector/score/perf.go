package score

import (
	"math"
	"slices"
)

// Truth is one true change in a labelled performance series.
type Truth struct {
	Index      int
	Up         bool
	ShiftSigma float64
}

// Detection is one detected change.
type Detection struct {
	Index int
	Up    bool
}

// Match pairs detections with true changes of the same direction within
// tol points: each true change (ascending) takes the closest unused
// detection. It returns, per true change, whether it was found, and the
// number of detections left over (false alarms).
func Match(truth []Truth, det []Detection, tol int) (found []bool, falseAlarms int) {
	order := make([]int, len(truth))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return truth[a].Index - truth[b].Index })
	used := make([]bool, len(det))
	found = make([]bool, len(truth))
	for _, ti := range order {
		tr := truth[ti]
		best, bestD := -1, tol+1
		for i, d := range det {
			dist := abs(d.Index - tr.Index)
			if !used[i] && d.Up == tr.Up && dist < bestD {
				best, bestD = i, dist
			}
		}
		if best >= 0 {
			used[best] = true
			found[ti] = true
		}
	}
	for _, u := range used {
		if !u {
			falseAlarms++
		}
	}
	return found, falseAlarms
}

// PR returns precision, recall and F1 from counts of true positives,
// detections and true changes. An empty denominator scores 1.
func PR(tp, detections, truths int) (precision, recall, f1 float64) {
	precision, recall = 1, 1
	if detections > 0 {
		precision = float64(tp) / float64(detections)
	}
	if truths > 0 {
		recall = float64(tp) / float64(truths)
	}
	if precision+recall > 0 {
		f1 = 2 * precision * recall / (precision + recall)
	}
	return precision, recall, f1
}

// MDE90 is the smallest effect size from which recall is at least 0.9 for
// that size and every larger one; +Inf when even the largest misses.
// recall maps effect size to recall.
func MDE90(recall map[float64]float64) float64 {
	sizes := make([]float64, 0, len(recall))
	for s := range recall {
		sizes = append(sizes, s)
	}
	slices.Sort(sizes)
	mde := math.Inf(1)
	for i := len(sizes) - 1; i >= 0; i-- {
		if recall[sizes[i]] < 0.9 {
			break
		}
		mde = sizes[i]
	}
	return mde
}
