package sample

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/skills/pprofdir"
)

// TestEnsure generates a sample for real (git, go build, profiles) and
// checks that it hangs together, then that a second call reuses it.
func TestEnsure(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and profiles the sample service")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "sample")
	now := time.Date(2026, 3, 14, 15, 26, 0, 0, time.UTC)
	s, cached, err := Ensure(ctx, dir, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if cached {
		t.Error("first Ensure reported a cached sample")
	}
	if !s.End.Equal(now.Truncate(time.Hour)) || s.Commits != len(history()) || s.Authors != 4 || len(s.Releases) != 3 {
		t.Errorf("sample = %+v", s)
	}
	if s.CostAfter < 1.2*s.CostBefore {
		t.Errorf("measured cost %.3g → %.3g s/request: the culprit should cost at least 20%% more", s.CostBefore, s.CostAfter)
	}
	subject, err := exec.Command("git", "-C", s.Repo, "log", "-1", "--format=%s", s.Culprit).Output()
	if err != nil || strings.TrimSpace(string(subject)) != s.Title {
		t.Errorf("culprit %s: subject %q, %v; want %q", s.Culprit, subject, err, s.Title)
	}
	refs, err := pprofdir.New(s.Profiles).List(ctx, s.Service)
	if err != nil || len(refs) != 2 {
		t.Fatalf("profiles: %v, %v", refs, err)
	}
	p, err := pprofdir.New(s.Profiles).Load(ctx, refs[1])
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, fn := range p.Function {
		found = found || fn.Name == s.Module+"/internal/api.validCoupon"
	}
	if !found {
		t.Error("after profile has no samples in validCoupon")
	}
	series, err := prom.ReadFile(s.CPU)
	if err != nil || len(series) != 1 || len(series[0].Values) != 72*60 {
		t.Errorf("cpu series: %d series, %v", len(series), err)
	}
	info, err := prom.ReadFile(s.BuildInfo)
	if err != nil || len(info) != 3 {
		t.Errorf("build_info: %d series, %v", len(info), err)
	}

	// A demo leaves a revert branch and a merge on main behind.
	for _, args := range [][]string{{"branch", "wattson/revert-x"}, {"-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "--quiet", "--allow-empty", "-m", "merge"}} {
		if out, err := exec.Command("git", append([]string{"-C", s.Repo}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
	}
	again, cached, err := Ensure(ctx, dir, Options{Go: "no-such-go"})
	if err != nil || !cached || again.Culprit != s.Culprit {
		t.Fatalf("second Ensure: cached %v, %v", cached, err)
	}
	if err := again.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("git", "-C", s.Repo, "branch", "--list").Output()
	if strings.TrimSpace(string(out)) != "* main" {
		t.Errorf("branches after Reset: %q", out)
	}
	if head, _ := exec.Command("git", "-C", s.Repo, "rev-parse", "main").Output(); strings.TrimSpace(string(head)) != s.Head {
		t.Errorf("main after Reset = %s, want %s", head, s.Head)
	}
	if err := os.Remove(filepath.Join(dir, manifestName)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Ensure(ctx, dir, Options{Go: "no-such-go"}); err == nil || !strings.Contains(err.Error(), "install Go") {
		t.Errorf("Ensure without go: %v", err)
	}
}
