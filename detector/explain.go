package detector

import (
	"math"
	"slices"
)

// explanation is one candidate account of a series: its changes, the
// series with the kept nuisance (seasonality, drift) removed, and the
// penalty of the nuisance terms it kept.
type explanation struct {
	splits []split
	y      []float64
	pen    float64
}

// detect explains the finite values x by steps on top of whatever
// seasonality and drift are significant, and returns the splits and the
// adjusted series they refer to.
//
// Adjustment and segmentation alternate (explain), and an alternation can
// settle in a poor fixed point: a daily profile fitted before the steps
// are known absorbs part of them, and steps fitted before the daily
// profile is known form a ladder along it. So when a nuisance term and
// changes are both in play, the alternation is also started from the
// changes found in the raw series and from its single strongest change,
// and with a drift term; the candidate with the lowest penalised cost —
// Huber loss plus, per change and per nuisance term, the squared
// threshold of its own test — wins. Each penalty is what its test would
// demand, so the comparison accepts a term exactly when it earns its
// place.
func (d *Detector) detect(x []float64, t []int64) ([]split, []float64) {
	n := len(x)
	// zx holds the scores of x itself for the whole call (explain
	// reuses d.z for the adjusted series).
	z := slices.Grow(d.zx[:0], n)[:n]
	d.zx = z
	d.placedOK = false
	d.rank.normalScores(x, z)
	// Fast path: no change and white residuals leave nothing for a
	// seasonal or drift term to explain (a Durbin–Watson-style pre-test at
	// level Alpha on the lag-one autocorrelation of the scores).
	//
	// raw is the segmentation of x itself; a strongly autocorrelated
	// series (a daily wave, a drift) is segmented only when needed, since
	// segmenting a wave is slow and futile.
	var raw []split
	rawDone := false
	if lagOneAutocorr(z)*math.Sqrt(float64(n)) < d.zOne {
		raw, rawDone = d.segment(z), true
		if len(raw) == 0 {
			return nil, d.buf(0, n, x)
		}
	}
	segmentRaw := func() []split {
		if !rawDone {
			raw, rawDone = d.segment(z), true
		}
		return raw
	}
	strongest, strongestDone := -1, false
	strongestSplit := func() int {
		if !strongestDone {
			strongest, strongestDone = d.strongest(z), true
		}
		return strongest
	}
	// The robust noise scale of x: the Huber clip of every adjustment and
	// the unit of the cost comparison.
	sigma := diffScale(x, &d.tmp, &d.sel)
	d.noise = sigma
	best := d.explain(x, t, d.buf(0, n, nil), false, segmentRaw, nil, nil)
	if d.done.stopped() {
		return best.splits, best.y
	}
	// The cost of best is needed only once something competes with it.
	bestCost, costed := 0.0, false
	beats := func(cost float64) bool {
		if !costed {
			bestCost, costed = d.cost(best.y, keys(best.splits), sigma)+best.pen, true
		}
		return cost < bestCost
	}
	try := func(c explanation, slot int) {
		if cost := d.cost(c.y, keys(c.splits), sigma) + c.pen; beats(cost) {
			best, bestCost = c, cost
			d.ys[0], d.ys[slot] = d.ys[slot], d.ys[0] // keep the winner in slot 0
		}
	}
	if best.pen > 0 && len(best.splits) > 0 {
		if r := segmentRaw(); len(r) > 0 && !slices.Equal(keys(r), keys(best.splits)) {
			try(d.explain(x, t, d.buf(1, n, nil), false, segmentRaw, nil, keys(r)), 1)
		}
		if k := strongestSplit(); k > 0 && !slices.Equal([]int{k}, keys(best.splits)) {
			try(d.explain(x, t, d.buf(1, n, nil), false, segmentRaw, nil, []int{k}), 1)
		}
	}
	// Drift is plausible only when a drift term is significant with no
	// steps at all (steps inflate it, so this errs towards trying). That
	// fit is the first step of the drift explanation.
	first := d.adjustFirst(x, t)
	if first.drift {
		c := d.explain(x, t, d.buf(1, n, nil), true, segmentRaw, &first, nil)
		try(c, 1)
		if k := strongestSplit(); k > 0 && len(c.splits) > 1 {
			try(d.explain(x, t, d.buf(1, n, nil), true, segmentRaw, nil, []int{k}), 1)
		}
	}
	// A trend model competes when the levels leave structure and either
	// a drift is plausible or a single trend break is significant by
	// itself: a short series that rises and falls again has no
	// significant polynomial drift, yet two or three lines explain it.
	// (Autocorrelated noise leaves structure too, and usually has
	// neither; the full trend fit would be wasted on it.)
	if d.leavesStructure(best) && (first.drift || d.trendBreakPlausible(x, sigma)) {
		if c, cost := d.trendExplanation(x, t, d.buf(1, n, nil), sigma); beats(cost) {
			best = c
			d.ys[0], d.ys[1] = d.ys[1], d.ys[0]
		}
	}
	return best.splits, best.y
}

// strongest returns the single best split of the normal scores z, or −1
// when it is not significant.
func (d *Detector) strongest(z []float64) int {
	cs := d.cumsum(z)
	k, st := bestSplit(cs, 0, len(z), d.opts.MinSegment)
	if k < 0 || d.pvalue(st/longRunSigma(z, cs, []int{k}), len(z)) >= d.opts.Alpha {
		return -1
	}
	return k
}

// buf returns the detector's reusable series buffer i with length n,
// holding a copy of src when src is not nil.
func (d *Detector) buf(i, n int, src []float64) []float64 {
	for len(d.ys) <= i {
		d.ys = append(d.ys, nil)
	}
	b := slices.Grow(d.ys[i][:0], n)[:n]
	d.ys[i] = b
	if src != nil {
		copy(b, src)
	}
	return b
}

// fit is one result of adjust: which terms it kept, their penalty and the
// nuisance.
type fit struct {
	kept
	comp []float64
}

// adjustFirst fits seasonality and drift with no changes.
func (d *Detector) adjustFirst(x []float64, t []int64) fit {
	comp := slices.Grow(d.comp2[:0], len(x))[:len(x)]
	d.comp2 = comp
	return fit{d.adjust(x, t, nil, comp, true), comp}
}

// explain alternates adjustment (seasonal, and drift if drift) and
// segmentation, starting from the changes start, until the changes stop
// moving, leaving the adjusted series in y. raw returns the segmentation
// of x itself, used whenever the adjustment keeps no term. first, when not
// nil, is the adjustment with no changes, already made.
func (d *Detector) explain(x []float64, t []int64, y []float64, drift bool, raw func() []split, first *fit, start []int) explanation {
	n := len(x)
	z := slices.Grow(d.z[:0], n)[:n]
	comp := slices.Grow(d.comp[:0], n)[:n]
	d.z, d.comp = z, comp
	var splits []split
	ks := start
	var k kept
	for it := range d.opts.Iterations {
		if it > 0 && d.done.stopped() {
			break
		}
		if first != nil && len(ks) == 0 {
			k = first.kept
			copy(comp, first.comp)
		} else {
			k = d.adjust(x, t, ks, comp, drift)
		}
		var next []split
		if k.any() {
			for i := range y {
				y[i] = x[i] - comp[i]
			}
			d.rank.normalScores(y, z)
			next = d.segment(z)
			d.relocate(y, next)
		} else {
			copy(y, x)
			next = d.placedRaw(y, raw)
		}
		// The adjustment depends only on ks: when the changes it was
		// fitted around are the ones found, the two agree.
		done := slices.Equal(keys(next), ks)
		splits = next
		if done {
			break
		}
		ks = keys(splits)
	}
	return explanation{splits: splits, y: y, pen: k.pen}
}

// placedRaw returns a copy of the raw segmentation relocated on x (y
// holds a copy of x). Every explanation whose adjustment keeps no term
// ends there, and relocation is a function of x and the raw changes
// alone, so it is done once per series (d.placed, reset by detect).
func (d *Detector) placedRaw(x []float64, raw func() []split) []split {
	if !d.placedOK {
		d.placed = append(d.placed[:0], raw()...)
		d.relocate(x, d.placed)
		d.placedOK = true
	}
	return slices.Clone(d.placed)
}

// leavesStructure reports whether the residuals of a level explanation
// around its segment means still have significant lag-one
// autocorrelation (the fast path's one-sided test at Alpha): only then
// is there something a trend model could explain better.
func (d *Detector) leavesStructure(c explanation) bool {
	n := len(c.y)
	e := slices.Grow(d.w[:0], n)[:n]
	d.w = e
	ks := keys(c.splits)
	for j := 0; j <= len(ks); j++ {
		a, b := segBounds(ks, j, n)
		mu := 0.0
		for _, v := range c.y[a:b] {
			mu += v
		}
		mu /= float64(b - a)
		for i := a; i < b; i++ {
			e[i] = c.y[i] - mu
		}
	}
	return lagOneAutocorr(e)*math.Sqrt(float64(n)) >= d.zOne
}
