package skills

import (
	"fmt"
	"math"
	"path"
	"strings"
)

// Basis names the evidence that decided a verdict, so that a wrong or
// inconclusive one can be read back to its cause.
type Basis string

// The bases of a verdict.
const (
	// BasisLines: lines one commit wrote carry the new cost (culprit).
	BasisLines Basis = "line-evidence"
	// BasisSplit: lines of several commits, or too little of the cost.
	BasisSplit Basis = "split-lines"
	// BasisWeak: touched functions got slower, but within noise.
	BasisWeak Basis = "within-noise"
	// BasisNoSlower: no function got slower beyond noise.
	BasisNoSlower Basis = "no-slower-function"
	// BasisUntouched: what got slower was not changed by the deploy.
	BasisUntouched Basis = "untouched-code"
	// BasisPackage: the deploy changed the package, not the hot lines.
	BasisPackage Basis = "package-only"
	// BasisUnmapped: a slower function is not found in the repository.
	BasisUnmapped Basis = "unmapped"
	// BasisDisagree: line evidence and the overall score disagree.
	BasisDisagree Basis = "disagreement"
	// BasisCallPath: call sites one commit wrote carry the new cost under
	// a caller, spread over callees none of which rose beyond noise.
	BasisCallPath Basis = "call-path"
	// BasisTiming: the change does not start with the deploy.
	BasisTiming Basis = "timing"
	// BasisSetting: a setting one commit changed explains the new cost:
	// a runtime setting, a dependency bump, a default or config value.
	BasisSetting Basis = "setting"
)

// decide turns the evidence into ranked suspects and a verdict.
//
// The verdict is culprit only when the functions that got slower beyond
// sampling noise spend at least half of their new cost on lines one commit
// wrote (or calls it added), and that commit carries at least twice the
// cost of the next. It is no_culprit when no function got slower beyond
// noise, or when the ones that did were untouched by the deploy (their
// packages unchanged): the cost moved, the code did not. Everything else is
// inconclusive.
func (e *evidence) decide() Ranking {
	pos := map[string]int{}
	var suspects []Suspect
	for _, c := range e.changes {
		i, ok := e.deploy[c.SHA]
		if !ok {
			continue
		}
		pos[c.SHA] = i
		code := 0
		for _, f := range c.Files {
			code += codeLines(f)
		}
		if code == 0 {
			continue // docs, comments, tests or CI only: cannot change what runs
		}
		total := e.line[c.SHA] + e.span[c.SHA] + e.weak[c.SHA] + e.setting[c.SHA]
		score := total/math.Max(e.costScale(), 1e-9) + sizeWeight*math.Log1p(float64(code))
		s := Suspect{Commit: c.SHA, Score: round(score, 4), Title: c.Title, Author: c.Author, Evidence: e.notes[c.SHA]}
		if len(s.Evidence) == 0 {
			s.Evidence = []string{fmt.Sprintf("changes %d line(s) of code; none in a function that got slower", code)}
		}
		suspects = append(suspects, s)
	}
	sortSuspects(suspects, pos)
	r := Ranking{Suspects: suspects}
	switch {
	case len(e.strong) == 0 && e.settingDecides(0):
		r.Verdict, r.Reason, r.Basis = e.settingVerdict()
	case len(e.strong) == 0 && !e.anyCredit:
		r.Verdict, r.Basis = VerdictNoCulprit, BasisNoSlower
		r.Reason = "no function of the service got slower beyond sampling noise between the profiles"
	case len(e.strong) == 0:
		r.Verdict, r.Basis = VerdictInconclusive, BasisWeak
		r.Reason = "functions touched by the deploy got slower, but not beyond sampling noise"
	default:
		r.Verdict, r.Reason, r.Basis = e.strongVerdict()
	}
	if r.Verdict == VerdictCulprit && len(suspects) > 0 {
		if suspects[0].Commit != e.decided {
			r.Verdict, r.Reason, r.Basis = VerdictInconclusive, "line evidence and overall score disagree", BasisDisagree
		}
	}
	return r
}

// strongVerdict decides among the cases where some function got slower
// beyond noise.
func (e *evidence) strongVerdict() (Verdict, string, Basis) {
	top := e.topStrong()
	first, second := e.strongLine[top], 0.0
	for sha, v := range e.strongLine {
		if sha != top && v > second {
			second = v
		}
	}
	names := make([]string, 0, len(e.strong))
	for _, f := range e.strong {
		name := shortFunc(f.Name, e.diff.Module)
		if f.Name == e.function && f.Z < e.diff.ZThreshold {
			name += " (found by the detector in its profiles over time)"
		}
		names = append(names, name)
	}
	slower := strings.Join(names, ", ")
	e.decided = top
	if first < 0.5*e.strongCost && e.settingDecides(e.strongCost) {
		return e.settingVerdict()
	}
	if first > 0 && first >= 0.5*e.strongCost && first >= 2*second && e.caller != nil {
		return VerdictCulprit, fmt.Sprintf("%s wrote the call sites that carry %.0f%% of the new cost under %s, spread over functions it calls (none slower beyond noise alone)",
			shortSHA(top), 100*first/e.strongCost, slower), BasisCallPath
	}
	if first > 0 && first >= 0.5*e.strongCost && first >= 2*second {
		return VerdictCulprit, fmt.Sprintf("%s wrote the lines that carry %.0f%% of the new cost in %s", shortSHA(top), 100*first/e.strongCost, slower), BasisLines
	}
	if first > 0 {
		return VerdictInconclusive, fmt.Sprintf("lines from several commits, or too little of the new cost, tie the deploy to %s", slower), BasisSplit
	}
	for _, f := range e.strong {
		p, ok := repoPath(e.diff.Module, f.File, e.known)
		if !ok {
			return VerdictInconclusive, fmt.Sprintf("%s got slower but cannot be mapped to the repository", slower), BasisUnmapped
		}
		for _, c := range e.changes {
			if _, in := e.deploy[c.SHA]; !in {
				continue
			}
			for _, fc := range c.Files {
				if isCode(fc.Path) && path.Dir(fc.Path) == path.Dir(p) {
					return VerdictInconclusive, fmt.Sprintf("%s got slower; the deploy changed its package but none of the lines it spends its time on", slower), BasisPackage
				}
			}
		}
	}
	return VerdictNoCulprit, fmt.Sprintf("%s got slower, but the deploy did not change their code or packages (traffic or data mix?)", slower), BasisUntouched
}

// settingDecides reports whether one commit's settings explain the new
// cost: at least half of cost (when there is a cost to explain), and at
// least twice any other commit's settings.
func (e *evidence) settingDecides(cost float64) bool {
	_, first, second := e.topSetting()
	return first > 0 && first >= 0.5*cost && first >= 2*second
}

// settingVerdict names the commit whose settings explain the cost.
func (e *evidence) settingVerdict() (Verdict, string, Basis) {
	top, _, _ := e.topSetting()
	e.decided = top
	var what []string
	for _, s := range e.settings[top] {
		if c, _ := e.settingLink(s); c > 0 {
			what = append(what, describeSetting(s))
		}
	}
	return VerdictCulprit, fmt.Sprintf("%s %s, which explains the new cost", shortSHA(top), strings.Join(what, "; ")), BasisSetting
}

// topStrong is the commit with the most strong line evidence.
func (e *evidence) topStrong() string {
	best, bv := "", 0.0
	for sha, v := range e.strongLine {
		if v > bv || (v == bv && sha < best) {
			best, bv = sha, v
		}
	}
	return best
}

// costScale is the total new cost of the candidates, to normalise scores.
func (e *evidence) costScale() float64 {
	t := 0.0
	for _, f := range e.diff.Candidates {
		t += math.Max(0, f.DeltaOwn)
	}
	return t
}
