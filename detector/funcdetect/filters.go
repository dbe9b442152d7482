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
// each other by factors within two of their median. A rise placed earlier
// whose new level still holds at the group's median time, by a factor
// within two of the group's, is taken for a member the detector placed
// early (a small function's change is placed only within hours).
func trafficMix(rises []Change, o Options) (kept, mixed []Change) {
	sortChanges(rises)
	used := make([]bool, len(rises))
	type group struct {
		at  int     // median index
		log float64 // median log factor
	}
	var groups []group
	for i := range rises {
		var near []int
		for j := range rises {
			if abs(rises[j].Index-rises[i].Index) <= o.MixWindow {
				near = append(near, j)
			}
		}
		if len(near) < o.MixMin {
			continue
		}
		logs := make([]float64, len(near))
		for k, g := range near {
			logs[k] = logRatio(rises[g])
		}
		med := median(logs)
		var agree []int
		var at []float64
		for k, g := range near {
			if math.Abs(logs[k]-med) <= math.Ln2 {
				agree = append(agree, g)
				at = append(at, float64(rises[g].Index))
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
