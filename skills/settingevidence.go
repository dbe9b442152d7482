package skills

import (
	"fmt"
	"math"
	"path"
	"strings"
	"unicode"
)

// collectSettings credits the deploy's settings with the cost they can
// explain, each with evidence saying what it sets and why that can cost
// CPU: a runtime setting with the runtime's cost (GC work, the
// scheduler), a dependency bump with its packages' share, and a default or
// configuration value with the functions that got slower in the package
// it configures. Called after the strong functions are known.
func (e *evidence) collectSettings() {
	for sha, ss := range e.settings {
		for _, s := range ss {
			credit, why := e.settingLink(s)
			if credit <= 0 {
				continue
			}
			e.setting[sha] += credit
			e.note(sha, fmt.Sprintf("%s in %s:%d%s", describeSetting(s), s.path, s.line, why))
		}
	}
}

// gcSettingLinked reports a deploy commit that sets the collector's pace
// while GC work rose beyond noise: the rise is then the setting's, not
// the allocating lines'.
func (e *evidence) gcSettingLinked() bool {
	for _, ss := range e.settings {
		for _, s := range ss {
			if s.kind == SettingRuntime && isGCSetting(s.key) && e.runtimeRose(e.diff.Runtime.GC) {
				return true
			}
		}
	}
	return false
}

func isGCSetting(key string) bool {
	return key == "GOGC" || key == "GOMEMLIMIT" || key == "memory limit"
}

func (e *evidence) runtimeRose(d ShareDelta) bool {
	return d.Delta > 0 && d.Z >= bonferroniZ(0.01, 1)
}

// settingLink is the cost a setting can explain and the clause that says
// why.
func (e *evidence) settingLink(s setting) (float64, string) {
	pct := func(d ShareDelta) string {
		return fmt.Sprintf("from %.1f%% to %.1f%% of CPU (z=%.1f)", 100*d.Before, 100*d.After, d.Z)
	}
	switch s.kind {
	case SettingRuntime:
		if gc := e.diff.Runtime.GC; isGCSetting(s.key) && e.runtimeRose(gc) {
			return gc.Delta, ": it sets how often the collector runs, and its background work rose " + pct(gc)
		}
		if sc := e.diff.Runtime.Scheduler; (s.key == "GOMAXPROCS" || s.key == "cpu limit") && e.runtimeRose(sc) {
			return sc.Delta, ": it sets how many threads run Go code against the CPUs there are, and the scheduler's share rose " + pct(sc)
		}
	case SettingDependency:
		var best ShareDelta
		for _, l := range e.diff.Libraries {
			if (l.Name == s.key || strings.HasPrefix(l.Name, s.key+"/")) && l.Delta > best.Delta {
				best = l
			}
		}
		if best.Delta > 0 {
			return best.Delta, fmt.Sprintf(": the share of CPU in %s rose %s", best.Name, pct(best))
		}
	case SettingDefault, SettingConfig:
		var cost float64
		var names []string
		for _, f := range e.strong {
			if e.configures(s, f) {
				cost += math.Max(0, f.DeltaOwn)
				names = append(names, fmt.Sprintf("%s (+%.1f%% of CPU per request, z=%.1f)", shortFunc(f.Name, e.diff.Module), 100*f.DeltaOwn, f.Z))
			}
		}
		if cost > 0 {
			where := "in the package of"
			if s.kind == SettingConfig {
				where = "a key named like"
			}
			return cost, fmt.Sprintf(", %s %s, which got slower with its code unchanged", where, strings.Join(names, ", "))
		}
	}
	return 0, ""
}

// configures reports whether a default or config value plausibly sets the
// behaviour of f: a default in f's package or a call into it, or a config
// key named with a word of f's package or name.
func (e *evidence) configures(s setting, f FuncDelta) bool {
	p, ok := repoPath(e.diff.Module, f.File, e.known)
	if !ok {
		return false
	}
	pkgBase := path.Base(path.Dir(p))
	if s.kind == SettingDefault {
		if path.Dir(s.path) == path.Dir(p) && !e.inSpan(f, s) {
			return true
		}
		return s.pkgs != "" && strings.Contains(" "+s.pkgs+" ", " "+pkgBase+" ")
	}
	fnWords := words(pkgBase + " " + f.Name[strings.LastIndex(f.Name, "/")+1:])
	for w := range words(s.key) {
		if len(w) >= 3 && fnWords[w] {
			return true
		}
	}
	return false
}

// inSpan reports a setting on a line of f's own span, which line evidence
// already covers.
func (e *evidence) inSpan(f FuncDelta, s setting) bool {
	sp, ok := e.spans[f.Name]
	return ok && s.line >= sp.Start && s.line <= sp.End
}

// words splits names into lower-case words: "cache_size", "maxIdle",
// "(*LRU).Get" → cache size max idle lru get.
func words(s string) map[string]bool {
	out := map[string]bool{}
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out[strings.ToLower(string(cur))] = true
			cur = cur[:0]
		}
	}
	prevLower := false
	for _, r := range s {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			flush()
		}
		cur = append(cur, r)
		prevLower = unicode.IsLower(r)
	}
	flush()
	return out
}

// describeSetting says what a setting changes.
func describeSetting(s setting) string {
	switch {
	case s.kind == SettingDependency && s.old != "":
		return fmt.Sprintf("bumps %s from %s to %s", s.key, s.old, s.new)
	case s.kind == SettingDependency:
		return fmt.Sprintf("adds %s %s", s.key, s.new)
	case s.old != "":
		return fmt.Sprintf("sets %s to %s (was %s)", s.key, s.new, s.old)
	}
	return fmt.Sprintf("sets %s to %s", s.key, s.new)
}

// topSetting is the commit with the most setting credit, its credit and
// the next commit's.
func (e *evidence) topSetting() (sha string, first, second float64) {
	for s, v := range e.setting {
		switch {
		case v > first || (v == first && s < sha):
			sha, first, second = s, v, math.Max(first, second)
		case v > second:
			second = v
		}
	}
	return sha, first, second
}
