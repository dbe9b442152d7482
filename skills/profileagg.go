package skills

import (
	"errors"
	"strings"

	"github.com/google/pprof/profile"
)

// funcStat is one function's cost in one profile.
type funcStat struct {
	file      string
	startLine int64
	// flat and cum are sample values (CPU nanoseconds); own is the value
	// of samples whose innermost frame of the service's own code is this
	// function; the *N fields count samples.
	flat, cum, own    int64
	flatN, cumN, ownN int64
	// paths is the own value of this function by the line it was on and
	// the own caller frame above it.
	paths map[pathKey]int64
	// alloc is the own value spent allocating (in the runtime's allocator
	// below this function); allocLines splits it by this function's line.
	alloc, allocN int64
	allocLines    map[int64]int64
	// cumLines is, for the service's own functions, the cumulative value
	// by the line this function was on: where it spent its time,
	// including in what it called.
	cumLines map[int64]int64
	// neighbours are the functions seen directly above or below this one
	// on a stack, for matching renamed functions.
	neighbours map[string]int64
}

// pathKey is where an own function spent its own samples: its line and the
// own frame that called it.
type pathKey struct {
	line       int64
	caller     string
	callerFile string
	callerLine int64
}

// aggregate is a CPU profile reduced to per-function costs.
type aggregate struct {
	total, totalN int64
	// gc and gcN are the samples of the runtime's background GC work,
	// which no function of the service is on.
	gc, gcN int64
	// sched and schedN are the samples whose leaf is the runtime's
	// scheduler (finding work, spinning, parking threads).
	sched, schedN int64
	// libs is, per package outside the service's code and the standard
	// library, its cumulative value and count (once per sample).
	libs  map[string]*[2]int64
	funcs map[string]*funcStat
}

// ErrNoCPUSamples reports a profile without CPU sample values.
var ErrNoCPUSamples = errors.New("profile has no CPU samples")

// aggregateProfile sums p by function. isOwn tells the service's own code
// from libraries and the runtime.
func aggregateProfile(p *profile.Profile, isOwn func(fn, file string) bool) (*aggregate, error) {
	vi, ci := sampleIndexes(p)
	if vi < 0 {
		return nil, ErrNoCPUSamples
	}
	a := &aggregate{funcs: map[string]*funcStat{}, libs: map[string]*[2]int64{}}
	for _, s := range p.Sample {
		if vi >= len(s.Value) {
			continue
		}
		v := s.Value[vi]
		n := int64(1)
		if ci >= 0 && ci < len(s.Value) {
			n = s.Value[ci]
		} else if p.Period > 0 {
			n = max(1, v/p.Period)
		}
		if v <= 0 {
			continue
		}
		a.total += v
		a.totalN += n
		seenFn, seenLib := map[string]bool{}, map[string]bool{}
		leaf, ownFound := true, false
		var prev, innermost *funcStat
		prevName, innermostName := "", ""
		var innermostLine int64
		var caller *pathKey
		allocating, gcWork := false, false
		for _, loc := range s.Location {
			for i := range loc.Line { // Line[0] is the innermost inlined frame
				ln := loc.Line[i]
				if ln.Function == nil {
					continue
				}
				name := normalizeFuncName(ln.Function.Name)
				st := a.funcs[name]
				if st == nil {
					st = &funcStat{file: ln.Function.Filename, startLine: ln.Function.StartLine,
						neighbours: map[string]int64{}, paths: map[pathKey]int64{}, cumLines: map[int64]int64{}, allocLines: map[int64]int64{}}
					a.funcs[name] = st
				}
				if prev != nil && prevName != name {
					prev.neighbours[name] += v
					st.neighbours[prevName] += v
				}
				prev, prevName = st, name
				if leaf {
					st.flat += v
					st.flatN += n
					leaf = false
					if isScheduler(name) {
						a.sched += v
						a.schedN += n
					}
				}
				own := isOwn(name, ln.Function.Filename)
				if pkg, _ := funcPackage(name); !own && isLibrary(pkg) && !seenLib[pkg] {
					seenLib[pkg] = true
					c := a.libs[pkg]
					if c == nil {
						c = &[2]int64{}
						a.libs[pkg] = c
					}
					c[0] += v
					c[1] += n
				}
				if !ownFound {
					allocating = allocating || isAllocator(name)
					gcWork = gcWork || isGCWork(name)
				}
				if own && innermost != nil && caller == nil && name != innermostName {
					caller = &pathKey{caller: name, callerFile: ln.Function.Filename, callerLine: ln.Line}
				}
				if own && !ownFound {
					st.own += v
					st.ownN += n
					if allocating {
						st.alloc += v
						st.allocN += n
						st.allocLines[ln.Line] += v
					}
					ownFound = true
					innermost, innermostName, innermostLine = st, name, ln.Line
				}
				if !seenFn[name] {
					seenFn[name] = true
					st.cum += v
					st.cumN += n
					if own {
						st.cumLines[ln.Line] += v
					}
				}
			}
		}
		if !ownFound && gcWork {
			a.gc += v
			a.gcN += n
		}
		if innermost != nil {
			k := pathKey{line: innermostLine}
			if caller != nil {
				k = *caller
				k.line = innermostLine
			}
			innermost.paths[k] += v
		}
	}
	if a.total == 0 {
		return nil, ErrNoCPUSamples
	}
	return a, nil
}

// isAllocator reports the runtime's allocation entry points: the cost of
// allocating, and the calls a function's allocations make.
func isAllocator(fn string) bool {
	switch fn {
	case "runtime.mallocgc", "runtime.newobject", "runtime.newarray", "runtime.growslice", "runtime.makeslice",
		"runtime.makemap", "runtime.makemap_small", "runtime.concatstrings", "runtime.rawstring",
		"runtime.rawbyteslice", "runtime.slicebytetostring", "runtime.stringtoslicebyte":
		return true
	}
	return strings.HasPrefix(fn, "runtime.mallocgc") || strings.HasPrefix(fn, "runtime.convT")
}

// isGCWork reports the runtime's garbage-collector work: background mark
// workers, sweeping and scavenging.
func isGCWork(fn string) bool {
	switch fn {
	case "runtime.bgsweep", "runtime.bgscavenge", "runtime.markroot", "runtime.scanobject", "runtime.sweepone":
		return true
	}
	return strings.HasPrefix(fn, "runtime.gcBgMarkWorker") || strings.HasPrefix(fn, "runtime.gcDrain")
}

// isScheduler reports the runtime's scheduler leaves: looking for work,
// spinning and parking threads, which more threads than cores (a
// GOMAXPROCS above the CPU limit) make busy.
func isScheduler(fn string) bool {
	switch fn {
	case "runtime.schedule", "runtime.findRunnable", "runtime.findrunnable", "runtime.stealWork", "runtime.runqgrab",
		"runtime.futex", "runtime.usleep", "runtime.osyield", "runtime.procyield", "runtime.notesleep", "runtime.semasleep":
		return true
	}
	return false
}

// isLibrary reports a package path outside the standard library: its first
// element has a dot (a module host).
func isLibrary(pkg string) bool {
	first, _, _ := strings.Cut(pkg, "/")
	return strings.Contains(first, ".")
}

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
	if value < 0 && len(p.SampleType) > 0 {
		value = len(p.SampleType) - 1
	}
	return value, count
}

// normalizeFuncName strips closure and generic-instantiation suffixes so a
// function's cost is summed under the name go/ast gives it:
// "pkg.F.func1" → "pkg.F", "pkg.G[...]" → "pkg.G".
func normalizeFuncName(name string) string {
	if i := strings.Index(name, "["); i > 0 {
		if j := strings.LastIndex(name, "]"); j > i {
			name = name[:i] + name[j+1:]
		}
	}
	for {
		i := strings.LastIndex(name, ".func")
		if i < 0 || i <= strings.LastIndex(name, "/") {
			break
		}
		rest := strings.TrimLeft(name[i+len(".func"):], "0123456789.")
		if rest != "" {
			break
		}
		name = name[:i]
	}
	return name
}

// funcPackage splits a qualified function name into its package path and
// the rest: "a/b/pkg.(*T).M" → "a/b/pkg", "(*T).M".
func funcPackage(name string) (pkg, rest string) {
	slash := strings.LastIndex(name, "/")
	dot := strings.Index(name[slash+1:], ".")
	if dot < 0 {
		return "", name
	}
	return name[:slash+1+dot], name[slash+1+dot+1:]
}

// methodName is the last element of a function name: "(*T).M" → "M".
func methodName(rest string) string {
	if i := strings.LastIndex(rest, "."); i >= 0 {
		return rest[i+1:]
	}
	return rest
}
