package skills

import (
	"fmt"
	"sort"
)

// matchRenames pairs functions only in the after profile with functions
// only in the before profile: first by package and method name (a renamed
// receiver type), then by file and start line, then by the functions around
// them on the stacks (a renamed function keeps its callers and callees).
// It returns after name → before name.
func matchRenames(b, a *aggregate) map[string]string {
	out := map[string]string{}
	var gone, born []string
	for name := range b.funcs {
		if _, ok := a.funcs[name]; !ok {
			gone = append(gone, name)
		}
	}
	for name := range a.funcs {
		if _, ok := b.funcs[name]; !ok {
			born = append(born, name)
		}
	}
	sort.Strings(gone)
	sort.Strings(born)
	used := map[string]bool{}
	match := func(key func(name string, st *funcStat) string) {
		idx := map[string][]string{}
		for _, g := range gone {
			if !used[g] {
				k := key(g, b.funcs[g])
				idx[k] = append(idx[k], g)
			}
		}
		for _, n := range born {
			if _, done := out[n]; done {
				continue
			}
			if c := idx[key(n, a.funcs[n])]; len(c) == 1 && !used[c[0]] {
				out[n] = c[0]
				used[c[0]] = true
			}
		}
	}
	match(func(name string, _ *funcStat) string {
		pkg, rest := funcPackage(name)
		return pkg + "." + methodName(rest)
	})
	match(func(name string, st *funcStat) string {
		if st.startLine == 0 {
			return "?" + name
		}
		return fmt.Sprintf("%s:%d", st.file, st.startLine)
	})
	for range 4 { // each round maps more neighbours, so more renames show
		if !matchByNeighbours(b, a, gone, born, used, out) {
			break
		}
	}
	return out
}

// matchByNeighbours pairs the remaining functions whose stack neighbours
// (after mapping renames found so far) overlap by at least half, best
// pairs first. It reports whether it matched any.
func matchByNeighbours(b, a *aggregate, gone, born []string, used map[string]bool, out map[string]string) bool {
	type pair struct {
		born, gone string
		sim        float64
	}
	var pairs []pair
	for _, n := range born {
		if _, done := out[n]; done {
			continue
		}
		an := map[string]int64{}
		for x, v := range a.funcs[n].neighbours {
			if r, ok := out[x]; ok {
				x = r
			}
			an[x] += v
		}
		for _, g := range gone {
			if used[g] {
				continue
			}
			if s := jaccard(an, b.funcs[g].neighbours); s >= 0.5 {
				pairs = append(pairs, pair{n, g, s})
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].sim > pairs[j].sim })
	matched := false
	for _, p := range pairs {
		if _, done := out[p.born]; done || used[p.gone] {
			continue
		}
		out[p.born] = p.gone
		used[p.gone] = true
		matched = true
	}
	return matched
}

// jaccard is the weighted Jaccard similarity of two neighbour profiles,
// each normalised to sum to one: Σ min / Σ max.
func jaccard(x, y map[string]int64) float64 {
	sx, sy := sum(x), sum(y)
	if sx == 0 || sy == 0 {
		return 0
	}
	lo, hi := 0.0, 0.0
	for k, v := range x {
		a, b := float64(v)/sx, float64(y[k])/sy
		lo += min(a, b)
		hi += max(a, b)
	}
	for k, v := range y {
		if _, ok := x[k]; !ok {
			hi += float64(v) / sy
		}
	}
	return lo / hi
}

func sum(m map[string]int64) float64 {
	t := 0.0
	for _, v := range m {
		t += float64(v)
	}
	return t
}
