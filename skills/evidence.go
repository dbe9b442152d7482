package skills

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path"
	"sort"
	"strings"
)

// Weights of the weaker signals, as fractions of a function's new cost.
// They only order suspects that lack line evidence; they never make a
// verdict of culprit.
const (
	spanWeight    = 0.2  // the commit changed lines inside the function
	fileWeight    = 0.05 // the commit touched the function's file
	packageWeight = 0.02 // the commit touched the function's package
	sizeWeight    = 1e-4 // per log-line of code changed: a tie-breaker
)

// evidence accumulates, per commit of the deploy, what ties it to the
// functions that got slower.
type evidence struct {
	diff    ProfileDiffResult
	changes []Change
	deploy  map[string]int // sha → position, for commits in the deploy
	rev     string
	known   map[string]bool // paths touched by any change

	line, strongLine, span, weak map[string]float64
	notes                        map[string][]string
	strong                       []FuncDelta
	strongCost                   float64
	anyCredit                    bool
	// caller is set when the strong evidence is a caller's cumulative
	// cost (see callPath).
	caller *FuncDelta
	// settings are what each deploy commit sets (see settingsOf); setting
	// is the cost they explain, by commit.
	settings map[string][]setting
	setting  map[string]float64
	spans    map[string]funcSpan
	// decided is the commit a culprit verdict names.
	decided string
	// function is the one the detector found slower over time, if any.
	function string
}

func newEvidence(diff ProfileDiffResult, changes []Change, deploy map[string]int, rev string) *evidence {
	e := &evidence{diff: diff, changes: changes, deploy: deploy, rev: rev, known: map[string]bool{},
		line: map[string]float64{}, strongLine: map[string]float64{}, span: map[string]float64{},
		weak: map[string]float64{}, notes: map[string][]string{},
		settings: map[string][]setting{}, setting: map[string]float64{}, spans: map[string]funcSpan{}}
	for _, c := range changes {
		if _, ok := deploy[c.SHA]; ok {
			if ss := settingsOf(c); len(ss) > 0 {
				e.settings[c.SHA] = ss
			}
		}
		for _, f := range c.Files {
			e.known[f.Path] = true
		}
	}
	return e
}

// collect blames the lines where the candidates spent their new cost and
// the spans of the candidates, and scores every deploy commit.
func (e *evidence) collect(ctx context.Context, host CodeHost) error {
	scale := 1 + e.diff.Pct/100
	want := map[string]map[int]bool{}
	add := func(p string, l int) {
		if want[p] == nil {
			want[p] = map[int]bool{}
		}
		want[p][l] = true
	}
	spans := e.spans
	for _, f := range e.diff.Callers {
		if p, ok := repoPath(e.diff.Module, f.File, e.known); ok {
			for _, pa := range f.CumPaths {
				add(p, int(pa.Line))
			}
		}
	}
	for _, f := range e.diff.Candidates {
		p, ok := repoPath(e.diff.Module, f.File, e.known)
		if !ok {
			continue
		}
		for _, pa := range f.Paths {
			add(p, int(pa.Line))
			if cp, ok := repoPath(e.diff.Module, pa.CallerFile, e.known); ok && pa.CallerLine > 0 {
				add(cp, int(pa.CallerLine))
			}
		}
		src, err := host.ReadFile(ctx, e.rev, p)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s at %s: %w", p, shortSHA(e.rev), err)
		}
		fs, err := parseFuncSpans(p, src)
		if err != nil {
			continue // not Go we can parse at this revision: no span evidence
		}
		hint := int(f.StartLine)
		if len(f.Paths) > 0 {
			hint = int(f.Paths[0].Line)
		}
		if s, ok := findSpan(fs, f.Name, hint); ok {
			spans[f.Name] = s
			for l := s.Start; l <= s.End; l++ {
				add(p, l)
			}
		}
	}
	blamed := map[string]map[int]string{}
	for p, ls := range want {
		lines := make([]int, 0, len(ls))
		for l := range ls {
			lines = append(lines, l)
		}
		sort.Ints(lines)
		b, err := blame(e.changes, p, lines)
		if err != nil {
			return err
		}
		blamed[p] = b
	}
	inDeploy := func(p string, l int) string {
		sha := blamed[p][l]
		if _, ok := e.deploy[sha]; ok {
			return sha
		}
		return ""
	}
	var family []FuncDelta
	credits := map[string]map[string]float64{}
	gcExplained := e.gcSettingLinked()
	for _, f := range e.diff.Candidates {
		p, ok := repoPath(e.diff.Module, f.File, e.known)
		if !ok {
			continue
		}
		cost := math.Max(0, f.DeltaOwn)
		if gcExplained { // a setting explains the GC work, not these lines
			cost = math.Max(0, cost-math.Max(0, f.GCAfter*scale-f.GCBefore))
		}
		w := map[string]float64{}
		var total float64
		for _, pa := range f.Paths {
			sha := inDeploy(p, int(pa.Line))
			if sha == "" {
				if cp, ok := repoPath(e.diff.Module, pa.CallerFile, e.known); ok {
					sha = inDeploy(cp, int(pa.CallerLine))
				}
			}
			if sha != "" {
				w[sha] += pa.Share * scale
				total += pa.Share * scale
			}
		}
		if total > 0 {
			family = append(family, f)
			k := math.Min(1, cost/total)
			credits[f.Name] = map[string]float64{}
			for sha, v := range w {
				credits[f.Name][sha] = v * k
				e.line[sha] += v * k
				e.anyCredit = true
				e.note(sha, fmt.Sprintf("%.0f%% of the new CPU in %s (+%.1f%% of CPU per request, z=%.1f%s) is on lines this commit wrote or on calls it added",
					100*v*k/math.Max(cost, 1e-12), shortFunc(f.Name, e.diff.Module), 100*cost, f.Z, gcNote(f)))
			}
		}
		if s, ok := spans[f.Name]; ok {
			n := map[string]int{}
			for l := s.Start; l <= s.End; l++ {
				if sha := inDeploy(p, l); sha != "" {
					n[sha]++
				}
			}
			for sha, k := range n {
				e.span[sha] += spanWeight * cost
				e.note(sha, fmt.Sprintf("changes %d line(s) inside %s (%s:%d-%d)", k, shortFunc(f.Name, e.diff.Module), p, s.Start, s.End))
			}
		}
		for _, c := range e.changes {
			if _, ok := e.deploy[c.SHA]; !ok {
				continue
			}
			for _, fc := range c.Files {
				if fc.Path == p {
					e.weak[c.SHA] += fileWeight * cost
				} else if isCode(fc.Path) && path.Dir(fc.Path) == path.Dir(p) {
					e.weak[c.SHA] += packageWeight * cost
				}
			}
		}
	}
	famZ := bonferroniZ(0.01, len(family))
	for _, f := range e.diff.Candidates {
		_, credited := credits[f.Name]
		if f.Z >= e.diff.ZThreshold || (credited && f.Z >= famZ) || (f.Name == e.function && f.DeltaOwn > 0) {
			e.strong = append(e.strong, f)
			e.strongCost += math.Max(0, f.DeltaOwn)
			for sha, v := range credits[f.Name] {
				e.strongLine[sha] += v
			}
		}
	}
	if len(e.strong) == 0 {
		e.callPath(inDeploy, scale)
	}
	e.collectSettings()
	return nil
}

// callPath looks, when no function rose beyond noise by its own share, at
// the callers whose cumulative share did: the first (largest) one on whose
// lines a single commit carries at least half of the new cumulative cost
// becomes the strong evidence. This is how a caller change shows (an N+1,
// a new call path): the cost is spread over callees the commit did not
// touch, and only adds up under the call sites it wrote.
func (e *evidence) callPath(inDeploy func(p string, l int) string, scale float64) {
	for i := range e.diff.Callers {
		f := &e.diff.Callers[i]
		p, ok := repoPath(e.diff.Module, f.File, e.known)
		if !ok {
			continue
		}
		w := map[string]float64{}
		var total float64
		for _, pa := range f.CumPaths {
			if sha := inDeploy(p, int(pa.Line)); sha != "" {
				w[sha] += pa.Share * scale
				total += pa.Share * scale
			}
		}
		if total == 0 {
			continue
		}
		k := math.Min(1, f.DeltaCum/total)
		best, bv := "", 0.0
		for sha, v := range w {
			if v*k > bv || (v*k == bv && sha < best) {
				best, bv = sha, v*k
			}
		}
		if bv < f.DeltaCum/2 {
			continue
		}
		e.caller = f
		e.strong = []FuncDelta{*f}
		e.strongCost = f.DeltaCum
		for sha, v := range w {
			e.strongLine[sha] += v * k
			e.line[sha] += v * k
			e.anyCredit = true
			e.note(sha, fmt.Sprintf("%.0f%% of the new CPU under %s (+%.1f%% of CPU per request cumulative, z=%.1f) runs from lines this commit wrote, spread over what it calls",
				100*v*k/f.DeltaCum, shortFunc(f.Name, e.diff.Module), 100*f.DeltaCum, f.CumZ))
		}
		return
	}
}

func (e *evidence) note(sha, s string) {
	e.notes[sha] = append(e.notes[sha], s)
}

// shortFunc strips the module path from a function name.
func shortFunc(name, module string) string {
	if module != "" {
		name = strings.TrimPrefix(name, module+"/")
	}
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// gcNote says how much of a function's rise is the runtime's GC work for
// its allocations, when that was attributed to it.
func gcNote(f FuncDelta) string {
	if f.GCAfter <= f.GCBefore {
		return ""
	}
	return fmt.Sprintf("; %.1f%% of CPU is GC work for its allocations, was %.1f%%", 100*f.GCAfter, 100*f.GCBefore)
}
