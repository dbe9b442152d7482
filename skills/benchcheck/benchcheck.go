// Package benchcheck is the gate a code change passes before anyone is
// asked to review it: in the changed checkout it runs `go build ./...`,
// `go vet` and `go test` of the changed packages, then compares the
// package's benchmarks before and after the change.
//
// Which benchmarks: those of the changed packages that exercise the
// changed function, found by running each once under the CPU profiler on
// the code before the change and keeping those whose profile has the
// function on a stack (inlined frames count). A benchmark that never
// reaches the function measures nothing about the change.
//
// How they are compared: each side's test binary is built once and run
// Count times, before and after alternating, so that drift of the machine
// (thermal, other load) falls on both sides alike, each run a fixed
// number of iterations (what BenchTime takes in one calibrating run); the
// samples, CPU seconds of the run's process per iteration (the cost the
// offense scan estimates, and steadier than wall time on a machine shared
// with other work), are compared as benchstat does, with golang.org/x/perf/benchmath under no
// distributional assumption: the median with its confidence interval, and
// the Mann-Whitney U test's p-value. A change is a gain only when p is
// below Alpha (0.05) and the median went down; otherwise the report says
// there is no significant difference. benchmath is the statistics
// benchstat itself uses, so the numbers read the same as a reviewer's own
// benchstat run.
package benchcheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Options tune a gate.
type Options struct {
	// Go is the go command; empty means "go".
	Go string
	// Count is how many runs each side gets; 0 means 10.
	Count int
	// BenchTime is each run's -benchtime; empty means 100ms.
	BenchTime string
	// Alpha is the significance level; 0 means 0.05.
	Alpha float64
}

func (o Options) withDefaults() Options {
	if o.Go == "" {
		o.Go = "go"
	}
	if o.Count <= 0 {
		o.Count = 10
	}
	if o.BenchTime == "" {
		o.BenchTime = "100ms"
	}
	if o.Alpha <= 0 {
		o.Alpha = 0.05
	}
	return o
}

// Check is one command run on the change.
type Check struct {
	// Command is what ran, such as "go vet ./internal/api".
	Command string `json:"command"`
	// OK is whether it succeeded.
	OK bool `json:"ok"`
	// Output is the tail of its output when it failed.
	Output string `json:"output,omitempty"`
}

// Report is what the gate found.
type Report struct {
	// Checks are build, vet and test, in order; the gate stops at the
	// first that fails.
	Checks []Check `json:"checks"`
	// Benchmarks compare the benchmarks that exercise the function.
	Benchmarks []Benchmark `json:"benchmarks,omitempty"`
	// NoBenchmark says why none was compared, when none was.
	NoBenchmark string `json:"no_benchmark,omitempty"`
}

// Passed reports whether every check passed.
func (r Report) Passed() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return len(r.Checks) > 0
}

// Gain is the benchmark that shows the change's gain: the significant one
// with the largest drop, or nil when none is significantly faster.
func (r Report) Gain() *Benchmark {
	var best *Benchmark
	for i, b := range r.Benchmarks {
		if b.Faster() && (best == nil || b.DeltaPct < best.DeltaPct) {
			best = &r.Benchmarks[i]
		}
	}
	return best
}

// Change is a change to gate: the module checked out before and after it.
type Change struct {
	// Before and After are the module's directories without and with the
	// change.
	Before, After string
	// Packages are the changed packages' import paths.
	Packages []string
	// Function is the changed function, as profiles name it; empty for a
	// change not of one function (an edit from a model), whose packages'
	// benchmarks all count.
	Function string
}

// Gate runs the checks on c.After and, when they pass, the benchmarks.
// An error means the gate itself could not run (no go command, a
// directory missing); a change that fails a check is a Report that does
// not pass.
func Gate(ctx context.Context, c Change, o Options) (Report, error) {
	o = o.withDefaults()
	if len(c.Packages) == 0 {
		return Report{}, errors.New("gate: no changed package")
	}
	var r Report
	for _, args := range [][]string{
		{"build", "./..."},
		append([]string{"vet"}, c.Packages...),
		append([]string{"test", "-count=1"}, c.Packages...),
	} {
		ck, err := run(ctx, o.Go, c.After, args...)
		if err != nil {
			return r, err
		}
		r.Checks = append(r.Checks, ck)
		if !ck.OK {
			return r, nil
		}
	}
	var err error
	r.Benchmarks, r.NoBenchmark, err = compare(ctx, c, o)
	return r, err
}

// maxOutput bounds the output a failed check keeps.
const maxOutput = 2000

// run runs the go command in dir and reports it as a check.
func run(ctx context.Context, goCmd, dir string, args ...string) (Check, error) {
	out, err := goOutput(ctx, goCmd, dir, args...)
	ck := Check{Command: "go " + strings.Join(args, " "), OK: err == nil}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return ck, fmt.Errorf("gate: %s: %w", ck.Command, err)
	}
	if err != nil {
		text := strings.TrimSpace(out)
		if len(text) > maxOutput {
			text = "…" + text[len(text)-maxOutput:]
		}
		ck.Output = text
	}
	return ck, nil
}

// goOutput runs the go command in dir with the user's workspace and flags
// left out and no toolchain download, and returns its combined output.
func goOutput(ctx context.Context, goCmd, dir string, args ...string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return "", fmt.Errorf("no Go module in %s: %w", dir, err)
	}
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}
