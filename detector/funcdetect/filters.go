package funcdetect

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/funcseries"
)

// costShift judges the rise c again together with the simultaneous falls
// of related functions: when their sum holds no rise of at least
// MinServicePct near c, c is a cost shift. Otherwise c is kept, its
// ServicePct the sum's (net of the partners' falls).
func (s series) costShift(ctx context.Context, d *detector.Detector, c Change, falls []Change, o Options) (Change, error) {
	fi := s.set.Index(c.Function)
	var partners []int
	for _, f := range falls {
		if abs(f.Index-c.Index) > o.Tolerance || f.Pct > -o.MinPct {
			continue // not at the same time, or too small a fall to balance anything
		}
		if gi := s.set.Index(f.Function); gi >= 0 && related(s.set, fi, gi) && !slices.Contains(partners, gi) {
			partners = append(partners, gi)
		}
	}
	if len(partners) == 0 {
		return c, nil
	}
	series := s.set.Self
	if c.Cumulative {
		series = s.set.Cum
	}
	sum := make([]float64, s.set.Len())
	for _, gi := range append([]int{fi}, partners...) {
		for i, v := range series[gi] {
			sum[i] += float64(v)
		}
	}
	for _, gi := range partners {
		c.Partners = append(c.Partners, s.set.Names[gi])
	}
	cs, err := s.changes(ctx, d, sum, make([]float64, len(sum)))
	if err != nil {
		return c, err
	}
	for _, sc := range cs {
		if sc.Direction != detector.Up || sc.WentAway || abs(sc.Index-c.Index) > o.Tolerance {
			continue
		}
		net := s.describe(fi, c.Function, sc, cs, sum)
		if net.ServicePct >= o.MinServicePct {
			c.ServicePct = net.ServicePct
			return c, nil
		}
	}
	c.Filter = FilterCostShift
	return c, nil
}

// renormalised reports whether the rise c, in share of the profile, is no
// more than half again what the falls near it (within MixWindow points)
// do to every other function's share: when functions losing ΔS of the
// profile, every other share grows by the factor 1/(1-ΔS). That is how a
// regression that went away (or was reverted) looks in the other
// functions: they all rise back.
func renormalised(c Change, falls []Change, o Options) bool {
	drop := 0.0
	for _, f := range falls {
		if abs(f.Index-c.Index) <= o.MixWindow && !f.Cumulative && f.Before > f.After {
			drop += f.Before - f.After
		}
	}
	if drop <= 0 || drop >= 1 || c.Before <= 0 {
		return false
	}
	implied := 100 * drop / (1 - drop)
	return c.Pct <= 1.5*implied
}

// related reports whether samples could move between functions i and j by
// a rename, a move or an inlining change: they share a file or a short
// name, or one calls the other directly.
func related(set *funcseries.Set, i, j int) bool {
	fi, fj := set.Funcs[i], set.Funcs[j]
	switch {
	case fi.File != "" && fi.File == fj.File:
		return true
	case shortName(set.Names[i]) == shortName(set.Names[j]):
		return true
	case slices.Contains(fi.Callers, set.Names[j]), slices.Contains(fj.Callers, set.Names[i]):
		return true
	}
	return false
}

// shortName is a function name without its package path and receiver:
// "a/b/pkg.(*T).M" → "M".
func shortName(name string) string {
	return name[strings.LastIndexAny(name, "./")+1:]
}

// trafficMix splits rises into those kept and those that are part of a
// traffic-mix change: MixMin or more rising within MixWindow points of
// each other by factors within two of their median. The groups are formed
// from rises and from others, the rises another filter already rejected
// (all but those that went away): a function's rise is evidence of a mix
// change whichever filter named it first. A rise placed earlier whose new
// level still holds at the group's median time, by a factor within two of
// the group's, is taken for a member the detector placed early (a small
// function's change is placed only within hours).
func trafficMix(rises, others []Change, o Options) (kept, mixed []Change) {
	sortChanges(rises)
	all := slices.Clone(rises)
	for _, c := range others {
		if c.Filter != FilterWentAway {
			all = append(all, c)
		}
	}
	used := make([]bool, len(all))
	type group struct {
		at  int     // median index
		log float64 // median log factor
	}
	var groups []group
	for i := range all {
		var near []int
		for j := range all {
			if abs(all[j].Index-all[i].Index) <= o.MixWindow {
				near = append(near, j)
			}
		}
		if len(near) < o.MixMin {
			continue
		}
		logs := make([]float64, len(near))
		for k, g := range near {
			logs[k] = logRatio(all[g])
		}
		med := median(logs)
		var agree []int
		var at []float64
		for k, g := range near {
			if math.Abs(logs[k]-med) <= math.Ln2 {
				agree = append(agree, g)
				at = append(at, float64(all[g].Index))
			}
		}
		if len(agree) < o.MixMin {
			continue
		}
		for _, g := range agree {
			used[g] = true
		}
		groups = append(groups, group{at: int(median(at)), log: med})
	}
	for i, c := range rises {
		for _, g := range groups {
			if c.Index <= g.at && c.end > g.at && math.Abs(logRatio(c)-g.log) <= math.Ln2 {
				used[i] = true
			}
		}
	}
	for i, c := range rises {
		if used[i] {
			c.Filter = FilterTrafficMix
			mixed = append(mixed, c)
		} else {
			kept = append(kept, c)
		}
	}
	return kept, mixed
}

// logRatio is log(After/Before); a function that is new counts as a
// large factor.
func logRatio(c Change) float64 {
	if c.Before <= 0 {
		return 10
	}
	return math.Log(c.After / c.Before)
}

func median(v []float64) float64 {
	w := slices.Clone(v)
	slices.Sort(w)
	n := len(w)
	if n%2 == 1 {
		return w[n/2]
	}
	return (w[n/2-1] + w[n/2]) / 2
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// proportional reports whether the rise c is traffic through a caller
// above it: the other work under that caller (its cumulative CPU less the
// function's) rose too, and the function judged again as a share of that
// other work shows no rise of at least MinPct, both between the
// function's change points either side of c (the detector places a small
// function's step only within hours, so the caller's may be far from
// it). When more requests (or a larger share of the profile) go
// through a caller, everything below it grows by one factor and the ratio
// stays flat, wherever the detector placed each function's step; a
// regression grows the function alone, so the other work does not rise
// (in share of the profile it falls a little). Both are asked, not only
// the ratio: a ratio to a small caller is noisy, and its missing rise
// alone would drop real steps. The callers are walked up while the
// function (then each caller) has one caller only, so that the caller's
// cumulative CPU holds all of the function's; a caller that is every
// sample of every profile (the root) ends the walk (the ratio would be
// the share of the profile again).
func (s series) proportional(ctx context.Context, d *detector.Detector, c Change, o Options) (bool, error) {
	set := s.set
	fi := set.Index(c.Function)
	if fi < 0 {
		return false, nil
	}
	own := set.Self[fi]
	if c.Cumulative {
		own = set.Cum[fi]
	}
	counts := make([]float64, set.Len())
	for i, v := range own {
		counts[i] = float64(v)
	}
	rest := make([]float64, set.Len())
	ratio := s
	ratio.exposure = rest // the function's counts per count of other work
	y := make([]float64, set.Len())
	seen := map[int]bool{fi: true}
	for g := fi; len(set.Funcs[g].Callers) == 1; {
		a := set.Index(set.Funcs[g].Callers[0])
		if a < 0 || seen[a] {
			break
		}
		seen[a], g = true, a
		root := true
		for i := range rest {
			rest[i] = float64(set.Cum[a][i] - set.Cum[fi][i])
			root = root && int64(set.Cum[a][i]) >= set.Totals[i]
		}
		if root {
			break
		}
		cs, err := s.changes(ctx, d, rest, y)
		if err != nil {
			return false, err
		}
		if !s.risesIn(cs, rest, c.start, c.end, 0) {
			continue // the caller's other work did not rise with it
		}
		if cs, err = ratio.changes(ctx, d, counts, y); err != nil {
			return false, err
		}
		if !ratio.risesIn(cs, counts, c.start, c.end, o.MinPct) {
			return true, nil
		}
	}
	return false, nil
}

// risesIn reports whether cs, the detector's changes of counts, hold a
// rise of at least minPct at a point in (from, to) that did not go away.
func (s series) risesIn(cs []detector.Change, counts []float64, from, to int, minPct float64) bool {
	for _, c := range cs {
		if c.Direction != detector.Up || c.WentAway || c.Index <= from || c.Index >= to {
			continue
		}
		a, b := segmentOf(c, cs, len(counts))
		if before, after := s.rate(counts, a, c.Index), s.rate(counts, c.Index, b); before <= 0 || 100*(after-before)/before >= minPct {
			return true
		}
	}
	return false
}
