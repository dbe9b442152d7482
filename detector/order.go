package detector

import (
	"math"
	"slices"
)

// selectK partially orders t so that t[k] holds the value of rank k, the
// smaller values before it and the larger after it (Hoare's quickselect,
// O(len(t)) on average), and returns t[k].
func selectK(t []float64, k int) float64 {
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

// trimmedMean is the mean of v without its lowest and highest 20%, by two
// selections rather than a sort.
func trimmedMean(v []float64, tmp *[]float64) float64 {
	s := append((*tmp)[:0], v...)
	*tmp = s
	cut := len(s) / 5
	if cut > 0 {
		selectK(s, cut)
		selectK(s[cut:], len(s)-2*cut)
	}
	sum := 0.0
	for _, x := range s[cut : len(s)-cut] {
		sum += x
	}
	return sum / float64(len(s)-2*cut)
}

// selectScratch is the scratch space of selectNonNeg.
type selectScratch struct {
	count []int32
	keys  []uint64
	in    []float64
}

// selectNonNeg returns the k-th smallest (from 0) of the non-negative
// values t, as selectK would, without reordering t. The bits of a
// non-negative float order like the float, so one counting pass over
// about len(t) buckets of the bits finds the bucket holding rank k, and
// selectK runs on that bucket's few values only: three branch-free
// passes instead of selectK's partitions, whose comparisons of random
// values mispredict about half the time.
func selectNonNeg(t []float64, k int, sc *selectScratch) float64 {
	n := len(t)
	if n < 64 {
		sc.in = append(sc.in[:0], t...)
		return selectK(sc.in, k)
	}
	keys := slices.Grow(sc.keys[:0], n)[:n]
	sc.keys = keys
	lo, hi := math.Float64bits(t[0]), math.Float64bits(t[0])
	for i, v := range t {
		u := math.Float64bits(v)
		keys[i] = u
		lo, hi = min(lo, u), max(hi, u)
	}
	nb := 1
	for nb < n {
		nb <<= 1
	}
	shift := uint(0)
	for span := hi - lo; span >= uint64(nb); span >>= 1 {
		shift++
	}
	c := slices.Grow(sc.count[:0], nb)[:nb]
	sc.count = c
	clear(c)
	for _, u := range keys {
		c[(u-lo)>>shift]++
	}
	b, before := 0, 0
	for ; before+int(c[b]) <= k; b++ {
		before += int(c[b])
	}
	in := sc.in[:0]
	for i, u := range keys {
		if int((u-lo)>>shift) == b {
			in = append(in, t[i])
		}
	}
	sc.in = in
	return selectK(in, k-before)
}
