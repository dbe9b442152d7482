package detector

import (
	"math"
	"slices"
)

// split is one change found in a score series: the first index of the new
// segment and the p-value of the test that kept it.
type split struct {
	k int
	p float64
}

// segment finds the changes in z (scores, roughly unit variance under the
// null) by binary segmentation, pruning and transient removal; see the
// package doc. The result is sorted by k.
func (d *Detector) segment(z []float64) []split {
	n := len(z)
	m := d.opts.MinSegment
	if n < 2*m {
		return nil
	}
	cs := d.cumsum(z)
	sigma := diffSigma(z)
	if sigma == 0 {
		return nil // constant after ranking: nothing can change
	}
	d.memo = d.memo[:0]
	var ks []int
	stack := append(d.stack[:0], [2]int{0, n})
	defer func() { d.stack = stack[:0] }()
	for len(stack) > 0 && !d.done.stopped() {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		k, t := d.bestSplitOf(cs, s[0], s[1])
		// The p-value is never below the single-split z-test's, so a
		// statistic under that test's threshold needs no integration.
		if k < 0 || t/sigma < d.zAlpha || d.pvalue(t/sigma, s[1]-s[0]) >= d.opts.Alpha {
			continue
		}
		ks = append(ks, k)
		stack = append(stack, [2]int{s[0], k}, [2]int{k, s[1]})
	}
	slices.Sort(ks)
	ks = d.prune(z, cs, ks)
	ks = d.dropTransients(z, cs, ks)
	ks = d.dropRamps(z, cs, ks)
	out := make([]split, len(ks))
	if len(ks) == 0 {
		return out
	}
	sigma = longRunSigma(z, cs, ks)
	for j, k := range ks {
		a, b := bounds(ks, j, n)
		out[j] = split{k: k, p: d.pvalue(stat(cs, a, k, b)/sigma, b-a)}
	}
	return out
}

// prune retests every change on the segments around it, moves it to the best
// split there, and drops the weakest until all pass.
//
// bestSplit is a function of a segment's bounds alone, and a deletion
// changes the bounds of the changes beside it only, so the searches are
// kept (bestSplitOf) and a segment already searched is not searched
// again: a series with many candidate changes no longer rescans every
// segment for every deletion, nor for each prune of dropTransients and
// dropRamps.
func (d *Detector) prune(z, cs []float64, ks []int) []int {
	n := len(z)
	for iter := 0; len(ks) > 0 && iter < 4*n && !d.done.stopped(); iter++ {
		sigma := longRunSigma(z, cs, ks)
		worst, worstP := -1, 0.0
		for j := range ks {
			a, b := bounds(ks, j, n)
			k, t := d.bestSplitOf(cs, a, b)
			if k < 0 {
				worst, worstP = j, 1
				break
			}
			ks[j] = k
			if p := d.pvalue(t/sigma, b-a); p > worstP {
				worst, worstP = j, p
			}
		}
		if worstP < d.opts.Alpha {
			break
		}
		ks = slices.Delete(ks, worst, worst+1)
	}
	return ks
}

// splitMemo is bestSplit's answer k, t for the segment [a, b).
type splitMemo struct {
	a, b, k int
	t       float64
}

// bestSplitOf is bestSplit(cs, a, b, MinSegment), remembered for the
// segment call under way (segment clears d.memo: cs is that call's).
func (d *Detector) bestSplitOf(cs []float64, a, b int) (int, float64) {
	for i := len(d.memo) - 1; i >= 0; i-- {
		if c := d.memo[i]; c.a == a && c.b == b {
			return c.k, c.t
		}
	}
	k, t := bestSplit(cs, a, b, d.opts.MinSegment)
	if len(d.memo) >= 512 {
		d.memo = d.memo[:0]
	}
	d.memo = append(d.memo, splitMemo{a: a, b: b, k: k, t: t})
	return k, t
}

// dropTransients removes pairs of opposite changes that enclose a short
// segment when the levels on either side of the pair agree: a spike that
// went away.
func (d *Detector) dropTransients(z, cs []float64, ks []int) []int {
	if len(ks) < 2 {
		return ks // no pair
	}
	n := len(z)
	for changed := true; changed && !d.done.stopped(); {
		changed = false
		sigma := longRunSigma(z, cs, ks)
		for j := 0; j+1 < len(ks); j++ {
			if ks[j+1]-ks[j] >= d.opts.TransientMax {
				continue
			}
			a, _ := bounds(ks, j, n)
			_, b := bounds(ks, j+1, n)
			in := mean(cs, ks[j], ks[j+1])
			left, right := mean(cs, a, ks[j]), mean(cs, ks[j+1], b)
			if (in-left)*(in-right) <= 0 {
				continue // a staircase, not a spike
			}
			se := sigma * math.Sqrt(1/float64(ks[j]-a)+1/float64(b-ks[j+1]))
			if 2*(1-normCDF(math.Abs(left-right)/se)) < d.opts.Alpha {
				continue // the level did not come back
			}
			ks = slices.Delete(ks, j, j+2)
			changed = true
			break
		}
		if changed {
			ks = d.prune(z, cs, ks)
		}
	}
	return ks
}

// bestSplit returns the k in [a+m, b−m] maximising the standardised mean
// difference of cs's series between [a,k) and [k,b), and that statistic
// (not yet divided by the noise level); k is −1 when no split is allowed.
//
// The statistic takes two divisions per k, and most k cannot beat the
// best so far: the numerator against the best times the denominator,
// shrunk by far more than a rounding error, shows it with
// multiplications, and only a k it cannot rule out takes the second
// division. The result is the plain loop's to the bit (bestSplitPlain,
// kept for the test).
func bestSplit(cs []float64, a, b, m int) (int, float64) {
	L := b - a
	if L < 2*m || m < 1 {
		return bestSplitPlain(cs, a, b, m)
	}
	total := cs[b] - cs[a]
	fl := float64(L)
	const shrink = 1 - 1e-9
	best, bestK := -1.0, -1
	c0 := cs[a]
	seg := cs[a+m : b-m+1]
	i := float64(m) // k − a, counted in floats (integers: exact)
	for j, ck := range seg {
		dev := ck - c0 - i/fl*total
		num, den := dev*dev*fl, i*(fl-i)
		i++
		if num < best*den*shrink {
			continue
		}
		if t := num / den; t > best {
			best, bestK = t, a+m+j
		}
	}
	return bestK, math.Sqrt(best)
}

// bestSplitPlain is bestSplit without the bound.
func bestSplitPlain(cs []float64, a, b, m int) (int, float64) {
	L := b - a
	if L < 2*m {
		return -1, 0
	}
	total := cs[b] - cs[a]
	fl := float64(L)
	best, bestK := -1.0, -1
	for k := a + m; k <= b-m; k++ {
		i := float64(k - a)
		dev := cs[k] - cs[a] - i/fl*total
		t := dev * dev * fl / (i * (fl - i))
		if t > best {
			best, bestK = t, k
		}
	}
	return bestK, math.Sqrt(best)
}

// stat is the standardised mean difference between [a,k) and [k,b).
func stat(cs []float64, a, k, b int) float64 {
	i, fl := float64(k-a), float64(b-a)
	dev := cs[k] - cs[a] - i/fl*(cs[b]-cs[a])
	return math.Abs(dev) * math.Sqrt(fl/(i*(fl-i)))
}

// bounds returns the segment [a, b) around change j of ks in n points.
func bounds(ks []int, j, n int) (int, int) {
	a, b := 0, n
	if j > 0 {
		a = ks[j-1]
	}
	if j+1 < len(ks) {
		b = ks[j+1]
	}
	return a, b
}

// mean is the mean of the series behind cs over [a, b).
func mean(cs []float64, a, b int) float64 {
	return (cs[b] - cs[a]) / float64(b-a)
}

// cumsum fills the detector's prefix-sum buffer for z.
func (d *Detector) cumsum(z []float64) []float64 {
	d.cs = prefixSums(d.cs, z)
	return d.cs
}

// diffSigma estimates the noise level from successive differences, which a
// few steps barely disturb.
func diffSigma(z []float64) float64 {
	s := 0.0
	for i := 1; i < len(z); i++ {
		dz := z[i] - z[i-1]
		s += dz * dz
	}
	return math.Sqrt(s / float64(2*(len(z)-1)))
}

// longRunSigma is the standard deviation of the residuals of z around the
// segment means of ks, inflated by (1+ρ)/(1−ρ) for a positive lag-one
// autocorrelation ρ: the noise level a mean over many points really has.
func longRunSigma(z, cs []float64, ks []int) float64 {
	n := len(z)
	var s0, s1 float64
	prev := 0.0
	for j := 0; j <= len(ks); j++ {
		a, b := 0, n
		if j > 0 {
			a = ks[j-1]
		}
		if j < len(ks) {
			b = ks[j]
		}
		mu := mean(cs, a, b)
		for i := a; i < b; i++ {
			e := z[i] - mu
			s0 += e * e
			if i > a {
				s1 += e * prev
			}
			prev = e
		}
	}
	dof := n - len(ks) - 1
	if dof < 1 || s0 == 0 {
		return diffSigma(z)
	}
	v := s0 / float64(dof)
	if rho := s1 / s0; rho > 0 {
		rho = math.Min(rho, 0.95)
		v *= (1 + rho) / (1 - rho)
	}
	return math.Sqrt(v)
}

// dropRamps removes changes that one straight line through the two
// segments around them fits at least as well as the two levels do (the
// same number of parameters): a stretch of a trend, not a step. Of a
// ladder of steps along a trend, the rung a line fits best goes first, and
// the rest are retested without it.
func (d *Detector) dropRamps(z, cs []float64, ks []int) []int {
	if len(ks) == 0 {
		return ks
	}
	n := len(z)
	s := &d.zlines
	s.fill(z)
	for !d.done.stopped() {
		worst, worstGap := -1, 0.0
		for j, k := range ks {
			a, b := bounds(ks, j, n)
			_, _, line := s.line(a, b)
			l, r := s.sums(a, k), s.sums(k, b)
			steps := l.uu - l.u*l.u/l.n + r.uu - r.u*r.u/r.n
			if gap := steps - line; gap >= worstGap {
				worst, worstGap = j, gap
			}
		}
		if worst < 0 {
			return ks
		}
		ks = d.prune(z, cs, slices.Delete(ks, worst, worst+1))
		if len(ks) == 0 {
			return ks
		}
	}
	return ks
}

// relocate moves each change to the best split of a window centred on it,
// as wide on each side as the shorter of its two segments, with the
// values ranked again within the window. Ranked over the whole series,
// a large step near an end squeezes the points after it into the top few
// ranks, where a few high points of noise before it look much the same;
// ranked within the window, the step is most of what there is.
func (d *Detector) relocate(y []float64, splits []split) {
	n, m := len(y), d.opts.MinSegment
	ks := keys(splits)
	for j, k := range ks {
		a, b := bounds(ks, j, n)
		w := min(k-a, b-k)
		lo, hi := k-w, k+w
		if hi-lo < 2*m {
			continue
		}
		loc := slices.Grow(d.loc[:0], hi-lo)[:hi-lo]
		d.loc = loc
		d.rank.normalScores(y[lo:hi], loc)
		pre := prefixSums(d.locCS, loc)
		d.locCS = pre
		if best, _ := bestSplit(pre, 0, len(loc), m); best >= 0 {
			ks[j] = lo + best
			splits[j].k = ks[j]
		}
	}
}
