package detector

import (
	"cmp"
	"math"
	"slices"
)

// rankPair is a value and its position, sorted to compute ranks.
type rankPair struct {
	v float64
	i int32
}

// ranker turns values into normal scores, keeping its score tables and
// sort buffers across series.
type ranker struct {
	tables map[int][]float64
	tabled int // the scores the tables hold
	pairs  []rankPair
	keys   []uint64
	keys2  []uint64
	counts []int
}

// normalScores writes into z the normal score Φ⁻¹((rank−½)/n) of each x,
// ties sharing the mean of their scores. table caches the scores for n.
func (d *ranker) normalScores(x, z []float64) {
	n := len(x)
	table := d.scoreTable(n)
	if n > 1<<12 {
		pairs := d.sortedPairs(x)
		for lo := 0; lo < n; {
			hi := lo + 1
			for hi < n && pairs[hi].v == pairs[lo].v {
				hi++
			}
			s := tieScore(table, lo, hi)
			for r := lo; r < hi; r++ {
				z[pairs[r].i] = s
			}
			lo = hi
		}
		return
	}
	keys := d.sortedKeys(x)
	for lo := 0; lo < n; {
		kl := keys[lo]
		hi := lo + 1
		if hi < n && mayTie(kl, keys[hi]) {
			v := x[kl&0xfff]
			for hi < n && x[keys[hi]&0xfff] == v {
				hi++
			}
		}
		if hi-lo == 1 {
			z[kl&0xfff] = table[lo]
		} else {
			s := tieScore(table, lo, hi)
			for r := lo; r < hi; r++ {
				z[keys[r]&0xfff] = s
			}
		}
		lo = hi
	}
}

// mayTie reports whether the values of sorted keys a ≤ b may be equal:
// their value bits agree above the 12 position bits, or a is at −0 and b
// at +0 (equal values with different bits). Otherwise they differ, and
// normalScores need not read them.
func mayTie(a, b uint64) bool {
	const negZero, posZero = 0x7FFFFFFFFFFFF, 0x8000000000000
	return a>>12 == b>>12 || a>>12 == negZero && b>>12 == posZero
}

// tieScore is the mean of the scores of ranks lo..hi−1.
func tieScore(table []float64, lo, hi int) float64 {
	if hi-lo == 1 {
		return table[lo]
	}
	s := 0.0
	for r := lo; r < hi; r++ {
		s += table[r]
	}
	return s / float64(hi-lo)
}

// maxTabled bounds the scores the score tables hold (4 MB).
const maxTabled = 1 << 19

// scoreTable returns the normal scores of ranks 0..n−1 for n points.
func (d *ranker) scoreTable(n int) []float64 {
	if t, ok := d.tables[n]; ok {
		return t
	}
	t := make([]float64, n)
	for r := range t {
		t[r] = normQuantile((float64(r) + 0.5) / float64(n))
	}
	// Bound the cache by its size, not its count: relocate ranks windows
	// of every even length up to the series' (432 tables, 1.5 MB for 864
	// points), and a bound of 64 tables made it recompute most of them
	// for every series.
	if d.tabled+n > maxTabled {
		clear(d.tables)
		d.tabled = 0
	}
	d.tables[n] = t
	d.tabled += n
	return t
}

// sortedPairs returns x's values with their positions in ascending order
// (for series longer than 4096 points).
func (d *ranker) sortedPairs(x []float64) []rankPair {
	pairs := d.pairs[:0]
	for i, v := range x {
		pairs = append(pairs, rankPair{v, int32(i)})
	}
	slices.SortFunc(pairs, func(a, b rankPair) int { return cmp.Compare(a.v, b.v) })
	d.pairs = pairs
	return pairs
}

// sortedKeys returns, for up to 4096 points, packed uint64 keys in
// ascending order: the order-preserving bits of each value with the low
// 12 bits replaced by its position. Values that differ only in those low
// bits (relative 1e-12) fall in position order, which changes no rank
// materially.
func (d *ranker) sortedKeys(x []float64) []uint64 {
	keys := d.keys[:0]
	for i, v := range x {
		u := math.Float64bits(v)
		if u>>63 == 1 {
			u = ^u
		} else {
			u |= 1 << 63
		}
		keys = append(keys, u&^0xfff|uint64(i))
	}
	keys, d.keys2 = bucketSort(keys, d.keys2, &d.counts)
	d.keys = keys
	return keys
}

// bucketSort sorts keys: one counting pass spreads them over two to four
// buckets per key by their leading varying bits (above the 12 position
// bits), then each bucket is sorted in place — insertion sort for the
// few keys a bucket usually holds, pdqsort for a crowded one (heavy tails
// pack the bulk of the values into a few buckets). buf is scratch of the
// same length, count scratch for the bucket counts. It returns the sorted
// keys and the other buffer. (One to two buckets per key left gaussian
// values two or three to a central bucket, and the insertion sort's
// mispredicted comparisons were most of the time: normal scores of 864
// AR(1) values took 18 µs, 11 µs with twice the buckets, 11.5 µs with
// four times.)
func bucketSort(keys, buf []uint64, count *[]int) ([]uint64, []uint64) {
	n := len(keys)
	if n < 2 {
		return keys, buf
	}
	lo, hi := keys[0], keys[0]
	for _, k := range keys {
		lo, hi = min(lo, k), max(hi, k)
	}
	nb := 1
	for nb < 2*n {
		nb <<= 1
	}
	shift := uint(12)
	for span := (hi - lo) >> shift; span >= uint64(nb); span >>= 1 {
		shift++
	}
	c := slices.Grow((*count)[:0], nb+1)[:nb+1]
	*count = c
	clear(c)
	for _, k := range keys {
		c[(k-lo)>>shift+1]++
	}
	crowd, sum := 0, 0
	for b := 1; b <= nb; b++ {
		m := c[b]
		crowd = max(crowd, m)
		sum += m
		c[b] = sum
	}
	buf = slices.Grow(buf[:0], n)[:n]
	for _, k := range keys {
		b := (k - lo) >> shift
		buf[c[b]] = k
		c[b]++
	}
	if crowd <= 32 {
		// Every key is in its bucket, after all smaller buckets: one
		// insertion sort over the whole buffer moves keys within
		// their buckets only, and its branch is predictable where the
		// loop over the buckets below, with its random bucket sizes,
		// is not.
		for i := 1; i < n; i++ {
			k := buf[i]
			j := i
			for ; j > 0 && buf[j-1] > k; j-- {
				buf[j] = buf[j-1]
			}
			buf[j] = k
		}
		return buf, keys
	}
	// c[b] is now the end of bucket b.
	start := 0
	for b := range nb {
		end := c[b]
		switch m := end - start; {
		case m > 32:
			slices.Sort(buf[start:end])
		case m > 1:
			for i := start + 1; i < end; i++ {
				for j := i; j > start && buf[j] < buf[j-1]; j-- {
					buf[j], buf[j-1] = buf[j-1], buf[j]
				}
			}
		}
		start = end
	}
	return buf, keys
}
