package skills

import (
	"fmt"
	"maps"
	"math"
	"sort"
	"strings"

	"github.com/google/pprof/profile"
)

// FuncDelta is how one function's share of CPU changed between two
// profiles. Shares are fractions of all CPU in the profile; deltas are in
// the same unit, scaled per request when the regression's size is known
// (after share × (1 + pct/100) − before share).
type FuncDelta struct {
	// Name is the fully qualified function name in the after profile;
	// Before is its name in the before profile when it was renamed.
	Name   string `json:"name"`
	Before string `json:"before,omitempty"`
	// File and StartLine locate the function as the profile records it.
	File      string `json:"file"`
	StartLine int64  `json:"start_line"`
	// Own is set for the service's own code (not libraries or runtime).
	Own bool `json:"own"`
	// FlatBefore … CumAfter are shares of total CPU.
	FlatBefore float64 `json:"flat_before"`
	FlatAfter  float64 `json:"flat_after"`
	CumBefore  float64 `json:"cum_before"`
	CumAfter   float64 `json:"cum_after"`
	// OwnBefore and OwnAfter count samples whose innermost own frame is
	// this function (its code plus the library code it calls directly).
	OwnBefore float64 `json:"own_before"`
	OwnAfter  float64 `json:"own_after"`
	// DeltaFlat and DeltaCum are the changes, per request when known.
	DeltaFlat float64 `json:"delta_flat"`
	DeltaCum  float64 `json:"delta_cum"`
	// DeltaOwn is the change of the own share, per request when known.
	DeltaOwn float64 `json:"delta_own"`
	// Z is the two-proportion z statistic of the own share: how many
	// standard errors of sampling noise the change is.
	Z float64 `json:"z"`
	// Paths are where the after profile's own samples of this function
	// were: its line and the own line that called it, largest first.
	Paths []OwnPath `json:"paths,omitempty"`
	// GCBefore and GCAfter are the shares of the runtime's GC work
	// attributed to this function by its share of allocation, included
	// in OwnBefore and OwnAfter; set only when GC work rose beyond noise.
	GCBefore float64 `json:"gc_before,omitempty"`
	GCAfter  float64 `json:"gc_after,omitempty"`
	// CumZ is the two-proportion z statistic of the cumulative share.
	CumZ float64 `json:"cum_z,omitempty"`
	// CumPaths, for callers, are the lines of this function where the
	// after profile's cumulative samples were, largest first.
	CumPaths []OwnPath `json:"cum_paths,omitempty"`
}

// OwnPath is a share of a function's own samples in the after profile, by
// the line they were on and the own caller's line.
type OwnPath struct {
	Line       int64   `json:"line"`
	Caller     string  `json:"caller,omitempty"`
	CallerFile string  `json:"caller_file,omitempty"`
	CallerLine int64   `json:"caller_line,omitempty"`
	Share      float64 `json:"share"`
}

// ProfileDiff compares a before and an after CPU profile.
type ProfileDiff struct {
	// SamplesBefore and SamplesAfter count samples in each profile.
	SamplesBefore int64 `json:"samples_before"`
	SamplesAfter  int64 `json:"samples_after"`
	// ZThreshold is the z a change must reach to count as regressed:
	// one-sided 1% after a Bonferroni correction over the own functions
	// tested.
	ZThreshold float64 `json:"z_threshold"`
	// OwnTested counts the own functions compared.
	OwnTested int `json:"own_tested"`
	// Regressed are own functions whose own share rose by more than
	// sampling noise explains (Z ≥ ZThreshold), largest delta first.
	Regressed []FuncDelta `json:"regressed"`
	// Candidates are own functions whose own share rose with Z > 1,
	// regressed or not, largest delta first; weaker evidence for ranking.
	Candidates []FuncDelta `json:"candidates"`
	// Callers are own functions whose cumulative share rose beyond noise
	// (CumZ ≥ ZThreshold) mostly through what they call: the new cost is
	// under them, spread over callees (an N+1, a new call path). Largest
	// cumulative delta first.
	Callers []FuncDelta `json:"callers,omitempty"`
	// Top are the functions of any origin with the largest flat increase.
	Top []FuncDelta `json:"top"`
	// Runtime is the runtime's own cost: GC work and the scheduler.
	Runtime RuntimeDelta `json:"runtime"`
	// Libraries are packages outside the service and the standard library
	// whose cumulative share rose beyond noise (one-sided 1%), largest
	// delta first: what a dependency bump can slow down.
	Libraries []ShareDelta `json:"libraries,omitempty"`
}

// ShareDelta is a share of the profile before and after, the per-request
// delta and its two-proportion z.
type ShareDelta struct {
	Name   string  `json:"name,omitempty"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Delta  float64 `json:"delta"`
	Z      float64 `json:"z"`
}

// RuntimeDelta is the runtime's own cost in both profiles.
type RuntimeDelta struct {
	// GC is the background GC work no stack of the service is on.
	GC ShareDelta `json:"gc"`
	// Scheduler is the scheduler's leaves (finding work, spinning).
	Scheduler ShareDelta `json:"scheduler"`
}

// DiffOptions tune DiffProfiles.
type DiffOptions struct {
	// Module is the Go module path of the service; functions under it are
	// its own code. Empty means every non-standard-library function.
	Module string
	// Pct is the regression's size in percent, to scale shares per
	// request; 0 compares plain shares.
	Pct float64
}

// DiffProfiles compares two CPU profiles function by function. Functions
// renamed between the two (same package and method name, or same file and
// start line) are matched so a rename does not look like new cost.
func DiffProfiles(before, after *profile.Profile, opt DiffOptions) (ProfileDiff, error) {
	isOwn := ownCode(opt.Module)
	b, err := aggregateProfile(before, isOwn)
	if err != nil {
		return ProfileDiff{}, fmt.Errorf("read before profile: %w", err)
	}
	a, err := aggregateProfile(after, isOwn)
	if err != nil {
		return ProfileDiff{}, fmt.Errorf("read after profile: %w", err)
	}
	renamed := matchRenames(b, a)
	gcb, gca := gcAttribution(b, a)
	scale := 1 + opt.Pct/100
	d := ProfileDiff{SamplesBefore: b.totalN, SamplesAfter: a.totalN}
	var all []FuncDelta
	ownTested := 0
	for name, as := range a.funcs {
		bname := name
		if r, ok := renamed[name]; ok {
			bname = r
		}
		bs := b.funcs[bname]
		if bs == nil {
			bs = &funcStat{}
		}
		gb, ga := gcb[bname], gca[name]
		fd := FuncDelta{
			Name: name, File: as.file, StartLine: as.startLine, Own: isOwn(name, as.file),
			FlatBefore: share(bs.flat, b.total), FlatAfter: share(as.flat, a.total),
			CumBefore: share(bs.cum, b.total), CumAfter: share(as.cum, a.total),
			OwnBefore: share(bs.own+gb.value, b.total), OwnAfter: share(as.own+ga.value, a.total),
			GCBefore: share(gb.value, b.total), GCAfter: share(ga.value, a.total),
			Z:    zTwoProportions(bs.ownN+gb.n, b.totalN, as.ownN+ga.n, a.totalN),
			CumZ: zTwoProportions(bs.cumN, b.totalN, as.cumN, a.totalN),
		}
		if bname != name {
			fd.Before = bname
		}
		fd.DeltaFlat = fd.FlatAfter*scale - fd.FlatBefore
		fd.DeltaCum = fd.CumAfter*scale - fd.CumBefore
		fd.DeltaOwn = fd.OwnAfter*scale - fd.OwnBefore
		if fd.Own && (as.ownN > 0 || bs.ownN > 0) {
			ownTested++
			paths := as.paths
			if ga.value > 0 {
				paths = maps.Clone(as.paths)
				for line, v := range as.allocLines {
					paths[pathKey{line: line}] += int64(float64(ga.value) * float64(v) / float64(max(1, as.alloc)))
				}
			}
			fd.Paths = ownPaths(paths, a.total)
		}
		all = append(all, fd)
	}
	d.ZThreshold = bonferroniZ(0.01, ownTested)
	d.OwnTested = ownTested
	sort.Slice(all, func(i, j int) bool {
		if all[i].DeltaOwn != all[j].DeltaOwn {
			return all[i].DeltaOwn > all[j].DeltaOwn
		}
		return all[i].Name < all[j].Name
	})
	for _, fd := range all {
		if !fd.Own || fd.DeltaOwn <= 0 {
			continue
		}
		if fd.Z >= d.ZThreshold {
			d.Regressed = append(d.Regressed, fd)
		}
		if fd.Z > 1 {
			d.Candidates = append(d.Candidates, fd)
		}
	}
	d.Callers = callers(all, a, d.ZThreshold)
	shareDelta := func(name string, bv, bn, av, an int64) ShareDelta {
		sd := ShareDelta{Name: name, Before: share(bv, b.total), After: share(av, a.total),
			Z: zTwoProportions(bn, b.totalN, an, a.totalN)}
		sd.Delta = sd.After*scale - sd.Before
		return sd
	}
	d.Runtime.GC = shareDelta("", b.gc, b.gcN, a.gc, a.gcN)
	d.Runtime.Scheduler = shareDelta("", b.sched, b.schedN, a.sched, a.schedN)
	for pkg, ac := range a.libs {
		bc := b.libs[pkg]
		if bc == nil {
			bc = &[2]int64{}
		}
		if sd := shareDelta(pkg, bc[0], bc[1], ac[0], ac[1]); sd.Z >= bonferroniZ(0.01, 1) && sd.Delta > 0 {
			d.Libraries = append(d.Libraries, sd)
		}
	}
	sort.Slice(d.Libraries, func(i, j int) bool { return d.Libraries[i].Delta > d.Libraries[j].Delta })
	d.Libraries = d.Libraries[:min(len(d.Libraries), 20)]
	top := append([]FuncDelta(nil), all...)
	sort.Slice(top, func(i, j int) bool { return top[i].DeltaFlat > top[j].DeltaFlat })
	for i := range min(10, len(top)) {
		fd := top[i]
		fd.Paths = nil
		d.Top = append(d.Top, fd)
	}
	return d, nil
}

// ownCode returns the test for the service's own functions.
func ownCode(module string) func(fn, file string) bool {
	if module != "" {
		return func(fn, _ string) bool {
			return strings.HasPrefix(fn, module+".") || strings.HasPrefix(fn, module+"/") || strings.HasPrefix(fn, "main.")
		}
	}
	return func(fn, _ string) bool {
		pkg, _ := funcPackage(fn)
		first, _, _ := strings.Cut(pkg, "/")
		return pkg == "main" || strings.Contains(first, ".")
	}
}

func share(v, total int64) float64 {
	if total == 0 {
		return 0
	}
	return float64(v) / float64(total)
}

// zTwoProportions is the pooled two-proportion z statistic of a/n1 → b/n2.
func zTwoProportions(a, n1, b, n2 int64) float64 {
	if n1 == 0 || n2 == 0 {
		return 0
	}
	p1, p2 := float64(a)/float64(n1), float64(b)/float64(n2)
	p := float64(a+b) / float64(n1+n2)
	se := math.Sqrt(p * (1 - p) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 0
	}
	return (p2 - p1) / se
}

// bonferroniZ is the one-sided normal quantile for level alpha shared
// among m tests.
func bonferroniZ(alpha float64, m int) float64 {
	if m < 1 {
		m = 1
	}
	return math.Sqrt2 * math.Erfcinv(2*alpha/float64(m))
}

// ownPaths turns per-path values into shares, largest first, keeping
// the paths that make up 99% of the function's own samples (at most 40).
func ownPaths(paths map[pathKey]int64, total int64) []OwnPath {
	out := make([]OwnPath, 0, len(paths))
	var sum int64
	for k, v := range paths {
		sum += v
		out = append(out, OwnPath{Line: k.line, Caller: k.caller, CallerFile: k.callerFile, CallerLine: k.callerLine, Share: share(v, total)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Share != out[j].Share {
			return out[i].Share > out[j].Share
		}
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].CallerLine < out[j].CallerLine
	})
	kept, acc := 0, 0.0
	for kept < len(out) && kept < 40 && acc < 0.99*share(sum, total) {
		acc += out[kept].Share
		kept++
	}
	return out[:kept]
}

// callers picks the own functions whose cumulative share rose beyond noise,
// more than half of it under their callees, with the lines of each where
// the after profile's cumulative samples were.
func callers(all []FuncDelta, a *aggregate, z float64) []FuncDelta {
	var out []FuncDelta
	for _, fd := range all {
		if !fd.Own || fd.CumZ < z || fd.DeltaCum <= 0 || fd.DeltaCum-math.Max(0, fd.DeltaOwn) < fd.DeltaCum/2 {
			continue
		}
		paths := map[pathKey]int64{}
		for line, v := range a.funcs[fd.Name].cumLines {
			paths[pathKey{line: line}] += v
		}
		fd.Paths = nil
		fd.CumPaths = ownPaths(paths, a.total)
		out = append(out, fd)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].DeltaCum != out[j].DeltaCum {
			return out[i].DeltaCum > out[j].DeltaCum
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// gcShare is GC work attributed to one function: a value and a count.
type gcShare struct{ value, n int64 }

// gcAttribution attributes the runtime's background GC work to the
// service's functions by their share of the allocator's samples in each
// profile, when GC work rose beyond noise (one-sided 1%): the collector
// runs because of what was allocated, and a change that allocates more
// pays in GC workers that no stack ties to it. Without a rise, GC is left
// unattributed, as it says nothing about the change. Each profile's map is
// keyed by the names in that profile.
func gcAttribution(b, a *aggregate) (before, after map[string]gcShare) {
	if zTwoProportions(b.gcN, b.totalN, a.gcN, a.totalN) < bonferroniZ(0.01, 1) {
		return nil, nil
	}
	split := func(ag *aggregate) map[string]gcShare {
		var alloc int64
		for _, st := range ag.funcs {
			alloc += st.alloc
		}
		out := map[string]gcShare{}
		if alloc == 0 {
			return out
		}
		for name, st := range ag.funcs {
			if st.alloc > 0 {
				f := float64(st.alloc) / float64(alloc)
				out[name] = gcShare{value: int64(f * float64(ag.gc)), n: int64(f * float64(ag.gcN))}
			}
		}
		return out
	}
	return split(b), split(a)
}
