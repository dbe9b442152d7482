// Package demoshow is what `wattson demo` prints around the loop it runs:
// the numbered stages, the sample service it prepared, what the approval
// did to the sample's repository, and what to look at next. Package main
// runs the loop (detector, bot, store); this package only shows and checks
// the sample.
package demoshow

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/cmd/wattson/internal/sample"
	"github.com/wattson-dev/wattson/store"
)

// Stages is how many stages the demo has.
const Stages = 6

// Stage announces stage n of the demo.
func Stage(w io.Writer, n int, format string, a ...any) {
	fmt.Fprintf(w, "\n▶ %d/%d %s\n", n, Stages, fmt.Sprintf(format, a...))
}

// Prepare generates the sample service, or reuses the one cached in dir,
// resets its repository to the state it was generated in, and shows it
// as stage 1.
func Prepare(ctx context.Context, w io.Writer, dir string) (sample.Sample, error) {
	t := time.Now()
	s, cached, err := sample.Ensure(ctx, dir, sample.Options{})
	if err != nil {
		return s, fmt.Errorf("prepare sample: %w", err)
	}
	if err := s.Reset(ctx); err != nil {
		return s, fmt.Errorf("prepare sample: %w", err)
	}
	how := fmt.Sprintf("generated in %s, cached in %s", time.Since(t).Round(100*time.Millisecond), Rel(dir))
	if cached {
		how = "reused from " + Rel(dir)
	}
	Stage(w, 1, "Sample service %q (%s)", s.Service, how)
	fmt.Fprintf(w, "  repo      %s: %d commits by %d authors, releases %s\n", Rel(s.Repo), s.Commits, s.Authors, strings.Join(s.Releases, ", "))
	fmt.Fprintf(w, "  profiles  CPU profiles of its real request path at %s (%.1fµs CPU/request) and %s (%.1fµs)\n",
		s.Releases[1], s.CostBefore*1e6, s.Releases[2], s.CostAfter*1e6)
	fmt.Fprintf(w, "  metrics   %s and %s_build_info every %s, plus the deploy log\n", sample.CPUMetric, s.Service, strings.TrimSuffix(s.Step.String(), "0s"))
	return s, nil
}

// Result checks, as stage 5, what approving revert proposal p did to the
// sample repository: its branch is there, main moved, and main builds.
func Result(ctx context.Context, w io.Writer, s sample.Sample, p store.Proposal) error {
	Stage(w, 5, "Result in the sample repository")
	branch := p.PRURL
	if _, err := exec.CommandContext(ctx, "git", "-C", s.Repo, "rev-parse", "--verify", "--quiet", "refs/heads/"+branch).Output(); err != nil {
		return fmt.Errorf("check %s: no branch %s in %s", p.ID, branch, s.Repo)
	}
	fmt.Fprintf(w, "  branch    %s: git revert of %s %q\n", branch, p.Target[:min(7, len(p.Target))], s.Title)
	head, err := exec.CommandContext(ctx, "git", "-C", s.Repo, "log", "-1", "--format=%h %s", "main").Output()
	if err != nil {
		return fmt.Errorf("check %s: read main: %w", p.ID, err)
	}
	fmt.Fprintf(w, "  main      %s (%s)\n", strings.TrimSpace(string(head)), p.Status)
	t := time.Now()
	if err := sample.Build(ctx, "go", s.Repo, "./..."); err != nil {
		return fmt.Errorf("check %s: main does not build after the revert: %w", p.ID, err)
	}
	fmt.Fprintf(w, "  build     go build -trimpath ./... on main passes (%s)\n", time.Since(t).Round(100*time.Millisecond))
	return nil
}

// Done says how long the demo took and what to try next.
func Done(w io.Writer, s sample.Sample, began time.Time) {
	fmt.Fprintf(w, "\nDone in %s. Look around:\n", time.Since(began).Round(100*time.Millisecond))
	fmt.Fprintf(w, "  git -C %s log --oneline --graph -6\n", Rel(s.Repo))
	if profs, _ := filepath.Glob(filepath.Join(s.Profiles, s.Service, "*.pb.gz")); len(profs) == 2 {
		fmt.Fprintf(w, "  go tool pprof -top -cum -diff_base=%s %s\n", Rel(profs[0]), Rel(profs[1]))
	}
	fmt.Fprintln(w, "Then connect Slack, Discord, Prometheus, GitHub or an LLM: see the README.")
}

// Rel shortens path to be relative to the working directory when it is
// inside it.
func Rel(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return path
}
