package opportunity

import (
	"strings"

	"github.com/google/pprof/profile"
)

// frame is one function on a stack, inlined frames included.
type frame struct {
	fn   string
	file string
	line int64
}

// flatten lists a sample's frames leaf first.
func flatten(s *profile.Sample) []frame {
	out := make([]frame, 0, 2*len(s.Location))
	for _, loc := range s.Location {
		for _, ln := range loc.Line { // Line[0] is the innermost inlined frame
			if ln.Function == nil {
				continue
			}
			out = append(out, frame{fn: ln.Function.Name, file: ln.Function.Filename, line: ln.Line})
		}
	}
	return out
}

// isStd reports whether fn belongs to the Go standard library or runtime:
// its import path's first element has no dot and it is not package main.
func isStd(fn string) bool {
	if i := strings.IndexByte(fn, '/'); i >= 0 {
		return !strings.Contains(fn[:i], ".")
	}
	pkg, _, _ := strings.Cut(fn, ".")
	return pkg != "main"
}

// isRuntime reports whether fn is the runtime, which user code reaches
// implicitly (allocation, map and slice growth, string concatenation).
func isRuntime(fn string) bool {
	return strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/runtime/") ||
		strings.HasPrefix(fn, "internal/sync.")
}

// hit is a sample attributed to a pattern in a hot function.
type hit struct {
	pattern int
	// user is the hot function (the service's own code, or the matched
	// frame itself when no own code is on the stack); at is its line.
	user frame
}

// attribute finds the pattern a sample's cost belongs to, if any. The hot
// function is the innermost frame outside the standard library; walking
// from it towards the leaf, the first frame a pattern matches wins, as
// long as only runtime frames come between (so strings.Split's own
// growslice is not blamed on its caller).
func attribute(frames []frame, patterns []Pattern) (hit, bool) {
	u := len(frames)
	for i, f := range frames {
		if !isStd(f.fn) {
			u = i
			break
		}
	}
	for i := u - 1; i >= 0; i-- {
		f := frames[i]
		for pi, p := range patterns {
			if p.matches(f.fn) {
				user := f
				if u < len(frames) {
					user = frames[u]
				}
				return hit{pattern: pi, user: user}, true
			}
		}
		if !isRuntime(f.fn) {
			return hit{}, false
		}
	}
	return hit{}, false
}
