// Package sample generates the sample service `wattson demo` investigates:
// a real git repository of a small Go HTTP service with a history of
// several authors, releases and deploys, where one commit among unrelated
// ones compiles a regular expression on every request; real CPU profiles
// of the service's request path built and run at the releases before and
// after that commit shipped; and the metrics a Prometheus would hold —
// CPU seconds per request at the measured levels and a build_info series
// — with the matching deploy log.
//
// The sample is generated once into a directory and reused while its
// manifest matches this generator's version.
package sample

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// version changes whenever the generator makes a different sample, so a
// cached sample of another version is made again.
const version = 4

// Sample is a generated sample service: where its data lives and what
// happened in it.
type Sample struct {
	// Version is the generator version that made the sample.
	Version int `json:"version"`
	// Service and Module name the service and its Go module.
	Service string `json:"service"`
	Module  string `json:"module"`
	// Repo is the git repository; Profiles the directory laid out as
	// <service>/<RFC3339>.pb.gz; Deploys the deploy log.
	Repo     string `json:"repo"`
	Profiles string `json:"profiles"`
	Deploys  string `json:"deploys"`
	// CPU and BuildInfo are saved query_range responses.
	CPU       string `json:"cpu"`
	BuildInfo string `json:"build_info"`
	// Query is the expression the CPU series was "queried" with.
	Query string `json:"query"`
	// Start and End bound the observation window; Step is its resolution.
	Start time.Time     `json:"start"`
	End   time.Time     `json:"end"`
	Step  time.Duration `json:"step"`
	// Culprit is the commit that made requests cost more, Title its
	// subject; Head is main as generated; Releases are the deployed tags,
	// oldest first; Commits and Authors count the history.
	Culprit  string   `json:"culprit"`
	Title    string   `json:"title"`
	Head     string   `json:"head"`
	Releases []string `json:"releases"`
	Commits  int      `json:"commits"`
	Authors  int      `json:"authors"`
	// CostBefore and CostAfter are the measured CPU seconds per request
	// of the releases before and after the culprit shipped.
	CostBefore float64 `json:"cost_before"`
	CostAfter  float64 `json:"cost_after"`
	// RPS is the request rate the service is said to serve.
	RPS float64 `json:"rps"`
}

// Options tune Ensure.
type Options struct {
	// Go is the go command; empty means "go" on PATH.
	Go string
	// Now is the clock: the observation window ends at the hour before
	// it. Nil means time.Now.
	Now func() time.Time
}

// manifestName is the file in the sample directory describing it.
const manifestName = "sample.json"

// Ensure returns the sample in dir, generating it first when dir holds
// none or one made by another generator version. cached reports whether
// it was reused. Generation builds and runs Go code, so it needs the go
// and git commands; it takes a few seconds with a warm build cache.
func Ensure(ctx context.Context, dir string, opt Options) (s Sample, cached bool, err error) {
	if s, err := load(dir); err == nil {
		return s, true, nil
	}
	if opt.Go == "" {
		opt.Go = "go"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	goBin, err := tools(opt.Go)
	if err != nil {
		return s, false, err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return s, false, fmt.Errorf("create sample directory: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, filepath.Base(dir)+".tmp-")
	if err != nil {
		return s, false, fmt.Errorf("create sample directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := generate(ctx, tmp, goBin, opt.Now().UTC().Truncate(time.Hour)); err != nil {
		return s, false, fmt.Errorf("generate sample: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return s, false, fmt.Errorf("replace sample: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return s, false, fmt.Errorf("replace sample: %w", err)
	}
	s, err = load(dir)
	return s, false, err
}

// tools checks that git and go can be run and returns go's path.
func tools(goCmd string) (string, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", fmt.Errorf("find git: the sample service is a git repository; install git: %w", err)
	}
	goBin, err := exec.LookPath(goCmd)
	if err != nil {
		return "", fmt.Errorf("find go: the sample service is built and profiled with the Go toolchain; install Go from https://go.dev/dl: %w", err)
	}
	return goBin, nil
}

// load reads the manifest in dir and makes its paths absolute; a missing,
// unreadable or outdated sample is an error.
func load(dir string) (Sample, error) {
	var s Sample
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return s, fmt.Errorf("read sample manifest: %w", err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("read sample manifest: %w", err)
	}
	if s.Version != version {
		return s, fmt.Errorf("read sample manifest: version %d, want %d", s.Version, version)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return s, fmt.Errorf("read sample manifest: %w", err)
	}
	for _, p := range []*string{&s.Repo, &s.Profiles, &s.Deploys, &s.CPU, &s.BuildInfo} {
		*p = filepath.Join(abs, filepath.FromSlash(*p))
		if _, err := os.Stat(*p); err != nil {
			return s, fmt.Errorf("check sample: %w", err)
		}
	}
	return s, nil
}

// generate makes the whole sample in dir with the window ending at end.
func generate(ctx context.Context, dir, goBin string, end time.Time) error {
	s := Sample{Version: version, Service: "checkout", Module: "example.com/acme/checkout",
		Repo: "repo", Profiles: "profiles", Deploys: "deploys.json",
		CPU: "metrics/cpu_seconds_per_request.json", BuildInfo: "metrics/build_info.json",
		Start: end.Add(-72 * time.Hour), End: end, Step: step, RPS: 30000}
	s.Query = CPUMetric + `{service="` + s.Service + `"}`
	w, err := writeRepo(ctx, filepath.Join(dir, s.Repo), end)
	if err != nil {
		return err
	}
	if len(w.releases) != 3 || w.culprit == "" {
		return errors.New("history: want three releases and a culprit")
	}
	s.Culprit, s.Title, s.Head, s.Commits, s.Authors = w.culprit, w.title, w.shas[len(w.shas)-1], len(w.shas), w.authors
	for _, r := range w.releases {
		s.Releases = append(s.Releases, r.Tag)
	}
	g := gitRepo{dir: filepath.Join(dir, s.Repo)}
	before, after := w.releases[1], w.releases[2]
	profDir := filepath.Join(dir, s.Profiles, s.Service)
	if s.CostBefore, err = capture(ctx, g, goBin, before.Revision, after.Time.Add(-4*time.Hour), profileName(profDir, after.Time.Add(-4*time.Hour))); err != nil {
		return err
	}
	if s.CostAfter, err = capture(ctx, g, goBin, after.Revision, after.Time.Add(3*time.Hour), profileName(profDir, after.Time.Add(3*time.Hour))); err != nil {
		return err
	}
	levels := []level{{w.releases[0].Time, s.CostBefore}, {before.Time, s.CostBefore}, {after.Time, s.CostAfter}}
	if _, err := writeJSON(dir, s.CPU, response(cpuSeries(s.Service, s.Start, s.End, levels))); err != nil {
		return err
	}
	if _, err := writeJSON(dir, s.BuildInfo, response(buildInfo(s.Service, s.Start, s.End, w.releases)...)); err != nil {
		return err
	}
	if _, err := writeJSON(dir, "metrics/queries.json", queries(s)); err != nil {
		return err
	}
	if _, err := writeJSON(dir, s.Deploys, deployLog(w.releases)); err != nil {
		return err
	}
	_, err = writeJSON(dir, manifestName, s)
	return err
}

// queries records the expression and range of each saved metric file.
func queries(s Sample) map[string]any {
	return map[string]any{
		"start": s.Start, "end": s.End, "step": strconv.Itoa(int(s.Step.Seconds())) + "s",
		"files": map[string]string{
			filepath.Base(s.CPU):       s.Query,
			filepath.Base(s.BuildInfo): strings.ReplaceAll(s.Service, "-", "_") + `_build_info{service="` + s.Service + `"}`,
		},
	}
}

// profileName is the file a profile captured at t is stored in.
func profileName(dir string, t time.Time) string {
	return filepath.Join(dir, t.UTC().Format(time.RFC3339)+".pb.gz")
}

// Reset puts the sample repository back as generated: main checked out
// clean at Head (undoing an earlier demo's merged revert), and branches
// other than main and stale worktrees removed.
func (s Sample) Reset(ctx context.Context) error {
	g := gitRepo{dir: s.Repo}
	for _, args := range [][]string{
		{"worktree", "prune"},
		{"checkout", "--quiet", "--force", "main"},
		{"reset", "--quiet", "--hard", s.Head},
		{"clean", "--quiet", "-fdx"},
	} {
		if _, err := g.run(ctx, nil, args...); err != nil {
			return fmt.Errorf("reset sample: %w", err)
		}
	}
	out, err := g.run(ctx, nil, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
	if err != nil {
		return fmt.Errorf("reset sample: %w", err)
	}
	for _, b := range strings.Fields(out) {
		if b == "main" {
			continue
		}
		if _, err := g.run(ctx, nil, "branch", "--quiet", "-D", b); err != nil {
			return fmt.Errorf("reset sample: %w", err)
		}
	}
	return nil
}
