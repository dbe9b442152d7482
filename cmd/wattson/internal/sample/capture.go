package sample

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// loadDuration is how long the load generator runs at each revision:
// long enough for a couple of hundred CPU samples.
const loadDuration = 2 * time.Second

// capture builds the service's load generator at rev, runs it under the
// CPU profiler, and writes the profile to out stamped as captured at at.
// It returns the CPU seconds the process spent per request served.
func capture(ctx context.Context, g gitRepo, goBin, rev string, at time.Time, out string) (float64, error) {
	tmp, err := os.MkdirTemp("", "wattson-sample-")
	if err != nil {
		return 0, fmt.Errorf("capture profile: %w", err)
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "src")
	if _, err := g.run(ctx, nil, "worktree", "add", "--quiet", "--detach", src, rev); err != nil {
		return 0, fmt.Errorf("check out %s: %w", short(rev), err)
	}
	defer g.run(context.WithoutCancel(ctx), nil, "worktree", "remove", "--force", src) //nolint:errcheck // best effort; the directory goes anyway
	bin := filepath.Join(tmp, "loadgen")
	if err := Build(ctx, goBin, src, "-o", bin, "./cmd/loadgen"); err != nil {
		return 0, fmt.Errorf("build %s: %w", short(rev), err)
	}
	raw := filepath.Join(tmp, "cpu.pb.gz")
	cmd := exec.CommandContext(ctx, bin, "-duration", loadDuration.String(), "-cpuprofile", raw)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("run loadgen at %s: %s: %w", short(rev), strings.TrimSpace(stderr.String()), err)
	}
	requests, err := parseRequests(stdout.String())
	if err != nil {
		return 0, fmt.Errorf("run loadgen at %s: %w", short(rev), err)
	}
	cpu, err := restamp(raw, out, at)
	if err != nil {
		return 0, err
	}
	return cpu.Seconds() / float64(requests), nil
}

// Build runs `go build -trimpath args...` in dir, as release builds are
// made, so profiles name module-relative source files (and the standard
// library compiled by `make build` is reused from the build cache). The
// user's go.work and GOFLAGS are left out; a toolchain is never downloaded.
func Build(ctx context.Context, goBin, dir string, args ...string) error {
	cmd := exec.CommandContext(ctx, goBin, append([]string{"build", "-trimpath"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build: %s: %w", strings.TrimSpace(out.String()), err)
	}
	return nil
}

// parseRequests reads the "requests N" line the load generator prints.
func parseRequests(out string) (int, error) {
	for _, line := range strings.Split(out, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(line), "requests "); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v <= 0 {
				return 0, fmt.Errorf("parse request count %q", n)
			}
			return v, nil
		}
	}
	return 0, fmt.Errorf("parse request count: no \"requests N\" line in %q", out)
}

// restamp rewrites the profile at src to dst with its capture time set to
// at, as if a replica had been profiled then, and returns the CPU time it
// sampled.
func restamp(src, dst string, at time.Time) (time.Duration, error) {
	f, err := os.Open(src)
	if err != nil {
		return 0, fmt.Errorf("read profile: %w", err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return 0, fmt.Errorf("parse profile: %w", err)
	}
	idx := -1
	for i, st := range p.SampleType {
		if st.Type == "cpu" && st.Unit == "nanoseconds" {
			idx = i
		}
	}
	if idx < 0 {
		return 0, fmt.Errorf("parse profile: no cpu/nanoseconds samples")
	}
	var total int64
	for _, s := range p.Sample {
		total += s.Value[idx]
	}
	if total == 0 {
		return 0, fmt.Errorf("parse profile: no CPU samples")
	}
	p.TimeNanos = at.UnixNano()
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		return 0, fmt.Errorf("encode profile: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return 0, fmt.Errorf("write profile: %w", err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		return 0, fmt.Errorf("write profile: %w", err)
	}
	return time.Duration(total), nil
}

// short abbreviates a commit sha.
func short(sha string) string {
	if len(sha) > 10 {
		return sha[:10]
	}
	return sha
}
