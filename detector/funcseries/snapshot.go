package funcseries

import (
	"errors"
	"time"

	"github.com/google/pprof/profile"
)

// Snapshot is one CPU profile reduced to per-function sample counts.
type Snapshot struct {
	// Time is when the profile was captured.
	Time time.Time
	// Duration is how long it sampled (zero when the profile says not).
	Duration time.Duration
	// Period is the CPU time one sample stands for (10ms at 100 Hz).
	Period time.Duration
	// Total is how many samples the profile holds.
	Total int64
	// Funcs holds each function's counts, by function name.
	Funcs map[string]Counts
	// Info is each function's file, start line and direct callers.
	Info map[string]Func
}

// Counts are one function's samples in one profile.
type Counts struct {
	// Self counts samples whose leaf frame is the function; Cum counts
	// samples with the function anywhere on the stack (once per sample).
	Self, Cum int64
}

// Func identifies a function beyond its name, for matching renames and
// inlining shifts.
type Func struct {
	// File and StartLine are where the function is defined.
	File      string
	StartLine int64
	// Callers are the functions seen directly above it on a stack.
	Callers []string
}

// ErrNoSamples reports a profile without CPU samples.
var ErrNoSamples = errors.New("profile has no CPU samples")

// FromProfile reduces a CPU profile taken at t (used when the profile
// carries no time of its own) to a Snapshot. Each sample counts as its
// "samples/count" value, or its CPU value over the profile's period.
// Inlined frames (a location's several lines) count as functions of their
// own, innermost first, as pprof shows them.
func FromProfile(p *profile.Profile, t time.Time) (Snapshot, error) {
	vi, ci := sampleIndexes(p)
	if vi < 0 {
		return Snapshot{}, ErrNoSamples
	}
	s := Snapshot{Time: t.UTC(), Duration: time.Duration(p.DurationNanos), Funcs: map[string]Counts{}, Info: map[string]Func{}}
	if p.TimeNanos > 0 {
		s.Time = time.Unix(0, p.TimeNanos).UTC()
	}
	if p.Period > 0 && p.PeriodType != nil && p.PeriodType.Unit == "nanoseconds" {
		s.Period = time.Duration(p.Period)
	}
	callers := map[string]map[string]bool{}
	for _, smp := range p.Sample {
		n := int64(0)
		switch {
		case ci >= 0 && ci < len(smp.Value):
			n = smp.Value[ci]
		case vi < len(smp.Value) && p.Period > 0:
			n = smp.Value[vi] / p.Period
		}
		if n <= 0 {
			continue
		}
		s.Total += n
		seen := map[string]bool{}
		prev := ""
		for _, loc := range smp.Location {
			for _, ln := range loc.Line {
				if ln.Function == nil {
					continue
				}
				name := ln.Function.Name
				if len(seen) == 0 && name == asyncPreempt {
					continue // the sampler's artefact: the frame below was running
				}
				c := s.Funcs[name]
				if len(seen) == 0 { // the leaf frame
					c.Self += n
				}
				if !seen[name] {
					c.Cum += n
					seen[name] = true
				}
				s.Funcs[name] = c
				if _, ok := s.Info[name]; !ok {
					s.Info[name] = Func{File: ln.Function.Filename, StartLine: ln.Function.StartLine}
				}
				if prev != "" && prev != name {
					if callers[prev] == nil {
						callers[prev] = map[string]bool{}
					}
					callers[prev][name] = true
				}
				prev = name
			}
		}
	}
	if s.Total == 0 {
		return Snapshot{}, ErrNoSamples
	}
	for callee, cs := range callers {
		f := s.Info[callee]
		for c := range cs {
			f.Callers = append(f.Callers, c)
		}
		s.Info[callee] = f
	}
	return s, nil
}

// asyncPreempt is the frame a goroutine shows when the sampling signal
// lands while it is being preempted: the work is the interrupted function
// below it, so FromProfile counts the sample there. Its share follows how
// busy the machine is, not the code, and would be a false alarm.
const asyncPreempt = "runtime.asyncPreempt"

// sampleIndexes finds the CPU value and the sample count among p's sample
// types; -1 when absent.
func sampleIndexes(p *profile.Profile) (value, count int) {
	value, count = -1, -1
	for i, st := range p.SampleType {
		switch {
		case st.Type == "cpu" || st.Unit == "nanoseconds":
			value = i
		case st.Type == "samples" && st.Unit == "count":
			count = i
		}
	}
	return value, count
}

// Merge sums the snapshots of several instances of a service, taken over
// the same span, into one: counts and totals add, callers join, and the
// time, duration and period are the first snapshot's (the longest
// duration when they differ).
func Merge(snaps ...Snapshot) Snapshot {
	if len(snaps) == 0 {
		return Snapshot{}
	}
	out := Snapshot{Time: snaps[0].Time, Period: snaps[0].Period, Funcs: map[string]Counts{}, Info: map[string]Func{}}
	for _, s := range snaps {
		out.Duration = max(out.Duration, s.Duration)
		out.Total += s.Total
		for name, c := range s.Funcs {
			o := out.Funcs[name]
			o.Self += c.Self
			o.Cum += c.Cum
			out.Funcs[name] = o
		}
		for name, f := range s.Info {
			old, ok := out.Info[name]
			if !ok {
				old = Func{File: f.File, StartLine: f.StartLine}
			}
			out.Info[name] = merge(old, Func{Callers: f.Callers})
		}
	}
	return out
}
