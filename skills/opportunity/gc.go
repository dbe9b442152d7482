package opportunity

import "strings"

// The garbage collector's background work (mark workers, sweeper,
// scavenger) runs on no user code's stack, yet it is caused by
// allocation: for a steady live heap, how often the collector runs, and
// so what it costs, is proportional to how much is allocated. A fix that
// removes a pattern's allocations removes that share of the collector's
// work too, so a finding whose cost goes through runtime.mallocgc is
// credited with the background GC cost in proportion to its share of all
// the profile's allocating samples, and the service-wide finding on the
// collector itself keeps only what no finding accounts for. (Without
// this, the estimate of string building in a loop was a third of what
// its fix measurably saved.)
type gcBook struct {
	// alloc is each hot function's allocating cost by pattern, allocTotal
	// all allocating samples, background the collector's own samples.
	alloc      map[key]int64
	allocTotal int64
	background int64
	// onGC is the cost of hits on the collector itself (no own code).
	onGC map[key]int64
}

func newGCBook() *gcBook { return &gcBook{alloc: map[key]int64{}, onGC: map[key]int64{}} }

// gcRoots are the entry points of the collector's background goroutines.
var gcRoots = []string{"runtime.gcBgMarkWorker", "runtime.bgsweep", "runtime.bgscavenge"}

// add books one CPU sample of value v with its frames and hit.
func (g *gcBook) add(frames []frame, v int64, h hit, ok bool, k key) {
	background, allocates := true, false
	for _, f := range frames {
		if !isStd(f.fn) {
			background = false
		}
		allocates = allocates || strings.HasPrefix(f.fn, "runtime.mallocgc")
	}
	if background {
		isGC := false
		for _, f := range frames {
			for _, r := range gcRoots {
				isGC = isGC || f.fn == r || strings.HasPrefix(f.fn, r+".")
			}
		}
		if !isGC {
			return
		}
		g.background += v
		if ok {
			g.onGC[k] += v
		}
		return
	}
	if allocates {
		g.allocTotal += v
		if ok && !isStd(h.user.fn) {
			g.alloc[k] += v
		}
	}
}

// apportion moves the background GC cost from the collector's own hits
// onto the allocating findings in m.
func (g *gcBook) apportion(m map[key]*acc) {
	if g.background == 0 || g.allocTotal == 0 {
		return
	}
	var moved int64
	for k, a := range g.alloc {
		share := g.background * a / g.allocTotal
		m[k].value += share
		moved += share
	}
	for k, v := range g.onGC {
		m[k].value -= v * moved / g.background
	}
}
