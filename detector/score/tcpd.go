package score

import (
	"slices"
)

// F1 scores predicted change points against several annotators' sets as
// the TCPD benchmark does: index 0 is added to every set and to the
// predictions; precision is against the union of the annotations, recall is
// the mean of each annotator's recall, and a prediction counts for at most
// one annotation (the closest within margin, annotations taken in
// ascending order). It returns F1, precision and recall.
func F1(annotations [][]int, predictions []int, margin int) (f, precision, recall float64) {
	x := withZero(predictions)
	var union []int
	for _, a := range annotations {
		union = append(union, a...)
	}
	union = withZero(union)
	precision = float64(truePositives(union, x, margin)) / float64(len(x))
	if len(annotations) == 0 {
		recall = 1
	}
	for _, a := range annotations {
		ak := withZero(a)
		recall += float64(truePositives(ak, x, margin)) / float64(len(ak)) / float64(len(annotations))
	}
	if precision+recall == 0 {
		return 0, precision, recall
	}
	return 2 * precision * recall / (precision + recall), precision, recall
}

// truePositives counts the annotations t matched by a distinct prediction
// of x within margin, each annotation (ascending) taking the closest
// unused prediction (the smaller on a tie).
func truePositives(t, x []int, margin int) int {
	used := make([]bool, len(x))
	tp := 0
	for _, tau := range t {
		best, bestD := -1, margin+1
		for i, v := range x {
			d := abs(tau - v)
			if !used[i] && d <= margin && (d < bestD || d == bestD && v < x[best]) {
				best, bestD = i, d
			}
		}
		if best >= 0 {
			used[best] = true
			tp++
		}
	}
	return tp
}

// Cover is the segmentation covering of the partition induced by
// predictions, averaged over annotators: for each annotator, the sum over
// their segments of |segment| times its best Jaccard overlap with a
// predicted segment, divided by n.
func Cover(annotations [][]int, predictions []int, n int) float64 {
	if n <= 0 {
		return 0
	}
	pred := segments(predictions, n)
	if len(annotations) == 0 {
		return coverSingle(pred, segments(nil, n), n)
	}
	c := 0.0
	for _, a := range annotations {
		c += coverSingle(pred, segments(a, n), n)
	}
	return c / float64(len(annotations))
}

// coverSingle is the covering of truth segments by pred segments.
func coverSingle(pred, truth [][2]int, n int) float64 {
	c := 0.0
	for _, r := range truth {
		best := 0.0
		for _, p := range pred {
			inter := min(r[1], p[1]) - max(r[0], p[0])
			if inter <= 0 {
				continue
			}
			union := max(r[1], p[1]) - min(r[0], p[0])
			best = max(best, float64(inter)/float64(union))
		}
		c += float64(r[1]-r[0]) * best
	}
	return c / float64(n)
}

// segments splits [0, n) at the change points cps (each the first index of
// a new segment); points outside (0, n) are ignored.
func segments(cps []int, n int) [][2]int {
	s := slices.Clone(cps)
	slices.Sort(s)
	s = slices.Compact(s)
	out := [][2]int{}
	a := 0
	for _, c := range s {
		if c <= 0 || c >= n {
			continue
		}
		out = append(out, [2]int{a, c})
		a = c
	}
	return append(out, [2]int{a, n})
}

// withZero returns the sorted distinct points of v plus 0.
func withZero(v []int) []int {
	s := append([]int{0}, v...)
	slices.Sort(s)
	return slices.Compact(s)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
