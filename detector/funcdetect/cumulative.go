package funcdetect

import (
	"context"
	"slices"

	"github.com/wattson-dev/wattson/detector"
)

// cumulative runs the detector on the cumulative CPU of every function
// with enough samples below it, and returns the rises that nothing below
// explains — no self rise of the function itself, and no self or
// cumulative rise of a function only it calls (directly or not), at the
// same time — with every cumulative fall (for the cost-shift filter). The
// cost then sits in callees shared with other callers (a helper called
// more often, or with more work, from this one function), whose self
// series moves less or not at all (or whose rise names the helper, not
// the caller that changed): the function that changed is the deepest one
// whose cumulative CPU rose. A rise that something only it calls explains
// is that change seen from above, and is not reported. "At the same time" is
// within MixWindow points: a small function's step is placed only within
// hours, so the same change is placed apart in two series.
func (s series) cumulative(ctx context.Context, d *detector.Detector, selfRises []Change, o Options) (rises, falls []Change, err error) {
	set := s.set
	index := make(map[string]int, len(set.Names))
	for i, n := range set.Names {
		index[n] = i
	}
	children := make([][]int, len(set.Names)) // callees
	owned := make([][]int, len(set.Names))    // callees called from nowhere else
	for g, f := range set.Funcs {
		for _, c := range f.Callers {
			if ci, ok := index[c]; ok && ci != g {
				children[ci] = append(children[ci], g)
				if len(f.Callers) == 1 {
					owned[ci] = append(owned[ci], g)
				}
			}
		}
	}
	selfAt := make([][]int, len(set.Names))
	for _, c := range selfRises {
		if fi, ok := index[c.Function]; ok {
			selfAt[fi] = append(selfAt[fi], c.Index)
		}
	}
	totals := make([]int32, set.Len())
	for i, t := range set.Totals {
		totals[i] = int32(min(t, 1<<31-1))
	}
	counts := make([]float64, set.Len())
	y := make([]float64, set.Len())
	cumAt := make([][]int, len(set.Names))
	var found []Change
	for fi, name := range set.Names {
		var self, cum int64
		for i := range set.Self[fi] {
			self += int64(set.Self[fi][i])
			cum += int64(set.Cum[fi][i])
		}
		if cum-self < o.MinCount || len(children[fi]) == 0 || slices.Equal(set.Cum[fi], totals) {
			continue // nothing below it to watch apart from its own self, or all of every profile
		}
		for i, v := range set.Cum[fi] {
			counts[i] = float64(v)
		}
		cs, err := s.changes(ctx, d, counts, y)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range cs {
			ch := s.describe(fi, name, c, cs, counts)
			ch.Cumulative = true
			if c.Direction != detector.Up {
				falls = append(falls, ch)
				continue
			}
			found = append(found, ch)
			cumAt[fi] = append(cumAt[fi], c.Index)
		}
	}
	for _, ch := range found {
		fi := index[ch.Function]
		if !near(selfAt[fi], ch.Index, o.MixWindow) && !explainedBelow(fi, ch.Index, owned, selfAt, cumAt, o.MixWindow) {
			rises = append(rises, ch)
		}
	}
	return rises, falls, nil
}

// explainedBelow reports whether a function below fi along owned (the
// callees called from nowhere else, theirs, ...) rose, by its self or
// cumulative CPU, within tol points of k.
func explainedBelow(fi, k int, owned [][]int, selfAt, cumAt [][]int, tol int) bool {
	seen := map[int]bool{fi: true}
	stack := append([]int(nil), owned[fi]...)
	for len(stack) > 0 {
		g := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[g] {
			continue
		}
		seen[g] = true
		if near(selfAt[g], k, tol) || near(cumAt[g], k, tol) {
			return true
		}
		stack = append(stack, owned[g]...)
	}
	return false
}

// near reports whether one of at is within tol of k.
func near(at []int, k, tol int) bool {
	for _, i := range at {
		if abs(i-k) <= tol {
			return true
		}
	}
	return false
}
