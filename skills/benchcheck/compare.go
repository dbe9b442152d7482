package benchcheck

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/pprof/profile"
	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

// Benchmark is one benchmark measured before and after the change.
type Benchmark struct {
	// Name is the benchmark's name as `go test` prints it, and Package
	// the import path of its package.
	Name    string `json:"name"`
	Package string `json:"package"`
	// Before and After are the median seconds per operation (CPU
	// seconds of the process per iteration, see measure), each with
	// its confidence interval (Lo, Hi) at Confidence; 0 for an end the
	// runs are too few to bound.
	Before     float64 `json:"before"`
	BeforeLo   float64 `json:"before_lo"`
	BeforeHi   float64 `json:"before_hi"`
	After      float64 `json:"after"`
	AfterLo    float64 `json:"after_lo"`
	AfterHi    float64 `json:"after_hi"`
	Confidence float64 `json:"confidence"`
	// DeltaPct is the change of the median, in percent (negative is
	// faster).
	DeltaPct float64 `json:"delta_pct"`
	// P is the Mann-Whitney U test's p-value, Alpha the level it is
	// judged at, and N1, N2 the runs on each side.
	P     float64 `json:"p"`
	Alpha float64 `json:"alpha"`
	N1    int     `json:"n1"`
	N2    int     `json:"n2"`
}

// Significant reports whether the samples differ at level Alpha.
func (b Benchmark) Significant() bool { return b.P < b.Alpha }

// Faster reports whether the change made the benchmark significantly
// faster.
func (b Benchmark) Faster() bool { return b.Significant() && b.After < b.Before }

// Saving is the share of the benchmark's time the change removed (0.4 is
// 40% less time per operation).
func (b Benchmark) Saving() float64 {
	if b.Before <= 0 {
		return 0
	}
	return 1 - b.After/b.Before
}

// compare builds each changed package's tests on both sides and compares
// the benchmarks that reach the function.
func compare(ctx context.Context, c Change, o Options) ([]Benchmark, string, error) {
	tmp, err := os.MkdirTemp("", "wattson-bench-")
	if err != nil {
		return nil, "", fmt.Errorf("gate: %w", err)
	}
	defer os.RemoveAll(tmp)
	var (
		out     []Benchmark
		reasons []string
	)
	for i, pkg := range c.Packages {
		before, after, err := binaries(ctx, c, o, pkg, filepath.Join(tmp, fmt.Sprint(i)))
		if err != nil {
			return nil, "", err
		}
		if before.path == "" || after.path == "" {
			reasons = append(reasons, pkg+" has no tests")
			continue
		}
		names, err := before.list(ctx)
		if err != nil {
			return nil, "", err
		}
		var reaching []string
		for j, name := range names {
			if c.Function == "" { // a change of no one function: every benchmark of the package counts
				reaching = append(reaching, name)
				continue
			}
			ok, err := before.reaches(ctx, name, c.Function, o.BenchTime, filepath.Join(tmp, fmt.Sprintf("%d-%d", i, j)))
			if err != nil {
				return nil, "", err
			}
			if ok {
				reaching = append(reaching, name)
			}
		}
		if len(reaching) == 0 {
			reasons = append(reasons, fmt.Sprintf("none of the %d benchmark(s) of %s reaches %s", len(names), pkg, c.Function))
			continue
		}
		for _, name := range reaching {
			bs, err := measure(ctx, before, after, name, pkg, o)
			if err != nil {
				return nil, "", err
			}
			out = append(out, bs...)
		}
	}
	if len(out) == 0 {
		return nil, strings.Join(reasons, "; "), nil
	}
	return out, "", nil
}

// testBinary is a package's compiled test and the directory it runs in.
type testBinary struct {
	path, dir string
}

// binaries compiles pkg's test binary on both sides of the change.
func binaries(ctx context.Context, c Change, o Options, pkg, tmp string) (before, after testBinary, err error) {
	for _, side := range []struct {
		dir string
		bin *testBinary
		tag string
	}{{c.Before, &before, "before"}, {c.After, &after, "after"}} {
		dir, err := goOutput(ctx, o.Go, side.dir, "list", "-f", "{{.Dir}}", pkg)
		if err != nil {
			return before, after, fmt.Errorf("gate: go list %s (%s): %s: %w", pkg, side.tag, strings.TrimSpace(dir), err)
		}
		path := tmp + "-" + side.tag + ".test"
		if out, err := goOutput(ctx, o.Go, side.dir, "test", "-c", "-o", path, pkg); err != nil {
			return before, after, fmt.Errorf("gate: go test -c %s (%s): %s: %w", pkg, side.tag, strings.TrimSpace(out), err)
		}
		*side.bin = testBinary{dir: strings.TrimSpace(dir)}
		if _, err := os.Stat(path); err == nil {
			side.bin.path = path
		}
	}
	return before, after, nil
}

// list returns the binary's benchmarks.
func (b testBinary) list(ctx context.Context) ([]string, error) {
	out, err := b.exec(ctx, "-test.list=^Benchmark")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, l := range strings.Fields(out) {
		if strings.HasPrefix(l, "Benchmark") {
			names = append(names, l)
		}
	}
	return names, nil
}

// bench runs one benchmark once; with prof, under the CPU profiler.
func (b testBinary) bench(ctx context.Context, name, benchtime, prof string) (string, error) {
	out, _, err := b.benchCPU(ctx, name, benchtime, prof)
	return out, err
}

// benchCPU is bench, also returning the CPU time the process used.
func (b testBinary) benchCPU(ctx context.Context, name, benchtime, prof string) (string, time.Duration, error) {
	args := []string{"-test.run=^$", "-test.bench=^" + name + "$", "-test.benchtime=" + benchtime, "-test.count=1"}
	if prof != "" {
		args = append(args, "-test.cpuprofile="+prof)
	}
	return b.run(ctx, args...)
}

func (b testBinary) exec(ctx context.Context, args ...string) (string, error) {
	out, _, err := b.run(ctx, args...)
	return out, err
}

func (b testBinary) run(ctx context.Context, args ...string) (string, time.Duration, error) {
	cmd := exec.CommandContext(ctx, b.path, args...)
	cmd.Dir = b.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", 0, fmt.Errorf("gate: run %s %s: %s: %w", filepath.Base(b.path), strings.Join(args, " "), lastLines(out.String()), err)
	}
	return out.String(), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// minProbeSamples is how many CPU samples (10ms each) a probe's profile
// needs before a function missing from it counts as not reached: a short
// run on a loaded machine gets a dozen samples, and a function taking a
// quarter of the time is missing from a dozen one time in thirty.
const minProbeSamples = 100

// probeTries bounds the probes of one benchmark, each four times as long
// as the one before.
const probeTries = 3

// reaches reports whether benchmark name has fn on a stack of its CPU
// profile, probing longer while the profile is too thin to tell.
func (b testBinary) reaches(ctx context.Context, name, fn, benchtime, prefix string) (bool, error) {
	for try := range probeTries {
		prof := fmt.Sprintf("%s-%d.pprof", prefix, try)
		if _, err := b.bench(ctx, name, benchtime, prof); err != nil {
			return false, err
		}
		found, samples := onStack(prof, fn)
		if found || samples >= minProbeSamples {
			return found, nil
		}
		benchtime = longer(benchtime)
	}
	return false, nil
}

// longer is a -benchtime four times as long: a duration or "<n>x".
func longer(benchtime string) string {
	if n, ok := strings.CutSuffix(benchtime, "x"); ok {
		if i, err := strconv.Atoi(n); err == nil {
			return strconv.Itoa(4*i) + "x"
		}
	}
	if d, err := time.ParseDuration(benchtime); err == nil {
		return (4 * d).String()
	}
	return benchtime
}

// onStack reports whether the profile at path has fn (or a closure of
// it) on a sampled stack, and how many samples the profile holds.
func onStack(path, fn string) (found bool, samples int) {
	f, err := os.Open(path)
	if err != nil {
		return false, 0
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return false, 0
	}
	for _, s := range p.Sample {
		samples++
		for _, loc := range s.Location {
			for _, ln := range loc.Line {
				if ln.Function != nil && (ln.Function.Name == fn || strings.HasPrefix(ln.Function.Name, fn+".func")) {
					found = true
				}
			}
		}
	}
	return found, samples
}

// measure runs benchmark name Count times on each side, alternating, and
// compares the time per operation of each (sub-)benchmark: the CPU time
// of the process per iteration when the benchmark is alone in its run (a
// fixed iteration count, from one calibrating run of BenchTime, so that
// the count is known), else the wall time per operation it reports.
// CPU time is what the offense scan estimates, and a machine shared with
// other work slices wall time unevenly between runs, while it leaves CPU
// time nearly alone: on a loaded two-core machine a 45% gain in sec/op
// came out at p=0.8, not significant.
func measure(ctx context.Context, before, after testBinary, name, pkg string, o Options) ([]Benchmark, error) {
	benchtime, err := iterations(ctx, before, name, o.BenchTime)
	if err != nil {
		return nil, err
	}
	samples := map[string]*[2][]float64{}
	var order []string
	for i := 0; i < o.Count; i++ {
		for side, bin := range []testBinary{before, after} {
			out, cpu, err := bin.benchCPU(ctx, name, benchtime, "")
			if err != nil {
				return nil, err
			}
			results := parse(out, name)
			for _, res := range results {
				v, ok := res.Value("sec/op")
				if !ok {
					continue
				}
				if len(results) == 1 && res.Iters > 0 && cpu > 0 {
					v = cpu.Seconds() / float64(res.Iters+1) // -benchtime=Nx runs b.N=1, then N
				}
				key := res.Name.String()
				if samples[key] == nil {
					samples[key] = &[2][]float64{}
					order = append(order, key)
				}
				samples[key][side] = append(samples[key][side], v)
			}
		}
	}
	thr := benchmath.DefaultThresholds
	thr.CompareAlpha = o.Alpha
	var out []Benchmark
	for _, key := range order {
		s := samples[key]
		if len(s[0]) == 0 || len(s[1]) == 0 {
			continue
		}
		b1, b2 := benchmath.NewSample(slices.Clone(s[0]), &thr), benchmath.NewSample(slices.Clone(s[1]), &thr)
		a := benchmath.AssumeNothing
		s1, s2, cmp := a.Summary(b1, 0.95), a.Summary(b2, 0.95), a.Compare(b1, b2)
		b := Benchmark{Name: key, Package: pkg, Before: s1.Center, BeforeLo: finite(s1.Lo), BeforeHi: finite(s1.Hi),
			After: s2.Center, AfterLo: finite(s2.Lo), AfterHi: finite(s2.Hi), Confidence: s1.Confidence,
			P: cmp.P, Alpha: cmp.Alpha, N1: cmp.N1, N2: cmp.N2}
		if s1.Center > 0 {
			b.DeltaPct = 100 * (s2.Center/s1.Center - 1)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("gate: %s printed no sec/op results", name)
	}
	return out, nil
}

// finite is x, or 0 for an unbounded interval end (too few runs).
func finite(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return 0
	}
	return x
}

func lastLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, "\n")
}

// iterations turns benchtime into a fixed iteration count ("<n>x") that
// takes about as long, from one run of the benchmark on bin.
func iterations(ctx context.Context, bin testBinary, name, benchtime string) (string, error) {
	d, err := time.ParseDuration(benchtime)
	if err != nil {
		return benchtime, nil // already a count
	}
	out, err := bin.bench(ctx, name, benchtime, "")
	if err != nil {
		return "", err
	}
	results := parse(out, name)
	if len(results) != 1 {
		return benchtime, nil
	}
	per, ok := results[0].Value("sec/op")
	if !ok || per <= 0 {
		return benchtime, nil
	}
	return strconv.Itoa(max(1, int(d.Seconds()/per))) + "x", nil
}

// parse reads the benchmark results in out.
func parse(out, name string) []*benchfmt.Result {
	var rs []*benchfmt.Result
	r := benchfmt.NewReader(strings.NewReader(out), name)
	for r.Scan() {
		if res, ok := r.Result().(*benchfmt.Result); ok {
			rs = append(rs, res.Clone())
		}
	}
	return rs
}
