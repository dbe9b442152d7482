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

// normalScores writes into z the normal score Φ⁻¹((rank−½)/n) of each x,
// ties sharing the mean of their scores. table caches the scores for n.
func (d *Detector) normalScores(x, z []float64) {
	n := len(x)
	table := d.scoreTable(n)
	pairs := d.sortedPairs(x)
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && pairs[hi].v == pairs[lo].v {
			hi++
		}
		s := table[lo]
		if hi-lo > 1 {
			s = 0
			for r := lo; r < hi; r++ {
				s += table[r]
			}
			s /= float64(hi - lo)
		}
		for r := lo; r < hi; r++ {
			z[pairs[r].i] = s
		}
		lo = hi
	}
	d.pairs = pairs
}

// scoreTable returns the normal scores of ranks 0..n−1 for n points.
func (d *Detector) scoreTable(n int) []float64 {
	if t, ok := d.tables[n]; ok {
		return t
	}
	t := make([]float64, n)
	for r := range t {
		t[r] = normQuantile((float64(r) + 0.5) / float64(n))
	}
	if len(d.tables) > 64 { // bound the cache when lengths vary a lot
		clear(d.tables)
	}
	d.tables[n] = t
	return t
}

// sortedPairs returns x's values with their positions in ascending order.
// Up to 4096 points it sorts packed uint64 keys — the order-preserving bits
// of the value with the low 12 bits replaced by the position — which is
// several times faster than sorting structs; values that differ only in
// those low bits (relative 1e-12) fall in position order, which changes no
// rank materially.
func (d *Detector) sortedPairs(x []float64) []rankPair {
	pairs := d.pairs[:0]
	if len(x) > 1<<12 {
		for i, v := range x {
			pairs = append(pairs, rankPair{v, int32(i)})
		}
		slices.SortFunc(pairs, func(a, b rankPair) int { return cmp.Compare(a.v, b.v) })
		d.pairs = pairs
		return pairs
	}
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
	slices.Sort(keys)
	for _, k := range keys {
		i := int32(k & 0xfff)
		pairs = append(pairs, rankPair{x[i], i})
	}
	d.keys, d.pairs = keys, pairs
	return pairs
}
