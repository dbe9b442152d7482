package opportunity

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// Finding is one pattern found in one hot function of a service.
type Finding struct {
	// Service is the profiled service.
	Service string `json:"service"`
	// Pattern, Title and Skill name the pattern and the skill it belongs
	// to.
	Pattern string `json:"pattern"`
	Title   string `json:"title"`
	Skill   string `json:"skill"`
	// Function is the hot function; File and Lines are where in it the
	// pattern's cost is incurred.
	Function string `json:"function"`
	File     string `json:"file,omitempty"`
	Lines    []int  `json:"lines,omitempty"`
	// Profile is the profile kind it was found in.
	Profile string `json:"profile"`
	// Share is the pattern's share of the profile: of CPU for cpu
	// profiles, of contention delay for mutex and block profiles.
	Share float64 `json:"share"`
	// Cores and Watts estimate what a fix saves across the service.
	Cores float64 `json:"cores"`
	Watts float64 `json:"watts"`
	// WaitSeconds is the delay per second of wall time (mutex and block
	// profiles): goroutines waiting, not CPU burned.
	WaitSeconds float64 `json:"wait_seconds,omitempty"`
	// Suggestion says what to change.
	Suggestion string `json:"suggestion"`
	// Fix is the mechanical change to propose, if any.
	Fix *Fix `json:"fix,omitempty"`
	// Rewrite names the rewrite that makes the change in code, if any.
	Rewrite string `json:"rewrite,omitempty"`
}

// LineSpan renders Lines as "12,40-42".
func (f Finding) LineSpan() string {
	var parts []string
	for i := 0; i < len(f.Lines); {
		j := i
		for j+1 < len(f.Lines) && f.Lines[j+1] == f.Lines[j]+1 {
			j++
		}
		s := strconv.Itoa(f.Lines[i])
		if j > i {
			s += "-" + strconv.Itoa(f.Lines[j])
		}
		parts = append(parts, s)
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// Options scale findings to the service.
type Options struct {
	// Service names the service in findings.
	Service string
	// Instances is how many processes like the profiled one run; 0 means 1.
	Instances float64
	// WattsPerCore turns cores into watts; 0 means 10.
	WattsPerCore float64
	// MinShare raises every pattern's own threshold to at least this.
	MinShare float64
}

// key groups hits by pattern and hot function.
type key struct {
	pattern int
	fn      string
}

type acc struct {
	value int64
	file  string
	lines map[int]bool
}

// Profile is a parsed profile and its kind (cpu, mutex or block).
type Profile struct {
	Kind string
	*profile.Profile
}

// Find looks for patterns in profiles of one service (any mix of cpu,
// mutex and block profiles) and returns the findings ranked by savings,
// largest first.
func Find(profiles []Profile, patterns []Pattern, o Options) ([]Finding, error) {
	found, _, err := measure(profiles, patterns, o)
	return found, err
}

// measure finds the patterns in profiles like Find and also returns every
// hit of a pattern, those below its threshold and o.MinShare included,
// ranked: what a pattern still costs after a fix.
func measure(profiles []Profile, patterns []Pattern, o Options) (found, all []Finding, err error) {
	if o.Instances <= 0 {
		o.Instances = 1
	}
	if o.WattsPerCore <= 0 {
		o.WattsPerCore = 10
	}
	type kindTotal struct{ value, duration int64 }
	totals := map[string]*kindTotal{}
	hits := map[string]map[key]*acc{}
	gc := newGCBook()
	for _, p := range profiles {
		kind, vi := p.Kind, valueIndex(p.Profile, p.Kind)
		if vi < 0 {
			return nil, nil, fmt.Errorf("find opportunities: profile has no %s values", kind)
		}
		t := totals[kind]
		if t == nil {
			t = &kindTotal{}
			totals[kind] = t
			hits[kind] = map[key]*acc{}
		}
		t.duration += p.DurationNanos
		var sub []Pattern
		var idx []int
		for i, pt := range patterns {
			if pt.Profile == kind {
				sub, idx = append(sub, pt), append(idx, i)
			}
		}
		for _, s := range p.Sample {
			if vi >= len(s.Value) || s.Value[vi] <= 0 {
				continue
			}
			v := s.Value[vi]
			t.value += v
			frames := flatten(s)
			h, ok := attribute(frames, sub)
			var k key
			if ok {
				k = key{pattern: idx[h.pattern], fn: h.user.fn}
			}
			if kind == KindCPU {
				gc.add(frames, v, h, ok, k)
			}
			if !ok {
				continue
			}
			a := hits[kind][k]
			if a == nil {
				a = &acc{file: h.user.file, lines: map[int]bool{}}
				hits[kind][k] = a
			}
			a.value += v
			if h.user.line > 0 {
				a.lines[int(h.user.line)] = true
			}
		}
	}
	if m := hits[KindCPU]; m != nil {
		gc.apportion(m)
	}
	for kind, m := range hits {
		t := totals[kind]
		if t.value == 0 {
			continue
		}
		for k, a := range m {
			pt := patterns[k.pattern]
			share := float64(a.value) / float64(t.value)
			f := Finding{Service: o.Service, Pattern: pt.Name, Title: pt.Title, Skill: pt.Skill, Function: k.fn,
				File: a.file, Profile: kind, Share: share, Suggestion: pt.Suggestion, Fix: pt.Fix, Rewrite: pt.Rewrite}
			for l := range a.lines {
				f.Lines = append(f.Lines, l)
			}
			slices.Sort(f.Lines)
			dur := t.duration
			if c := totals[KindCPU]; dur == 0 && c != nil {
				dur = c.duration // mutex and block profiles carry no duration; they cover the same run
			}
			if dur > 0 {
				perSecond := float64(a.value) / float64(dur)
				if kind == KindCPU {
					f.Cores = perSecond * pt.Saving * o.Instances
					f.Watts = f.Cores * o.WattsPerCore
				} else {
					f.WaitSeconds = perSecond * o.Instances
				}
			}
			all = append(all, f)
			if share >= max(pt.MinShare, o.MinShare) {
				found = append(found, f)
			}
		}
	}
	Rank(found)
	Rank(all)
	return found, all, nil
}

// Rank sorts findings by savings: cores first, then wait, then share.
func Rank(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Cores != b.Cores {
			return a.Cores > b.Cores
		}
		if a.WaitSeconds != b.WaitSeconds {
			return a.WaitSeconds > b.WaitSeconds
		}
		if a.Share != b.Share {
			return a.Share > b.Share
		}
		return a.Function+a.Pattern < b.Function+b.Pattern
	})
}

// valueIndex returns the index of the value to sum in a profile of kind:
// CPU nanoseconds, or contention delay.
func valueIndex(p *profile.Profile, kind string) int {
	want := "cpu"
	if kind != KindCPU {
		want = "delay"
	}
	for i, st := range p.SampleType {
		if st.Type == want {
			return i
		}
	}
	if n := len(p.SampleType); n > 0 && p.SampleType[n-1].Unit == "nanoseconds" {
		return n - 1
	}
	return -1
}
