package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/cmd/wattson/internal/offensecmd"
	"github.com/wattson-dev/wattson/cmd/wattson/internal/sample"
	"github.com/wattson-dev/wattson/store"
)

// errInputEnded reports that stdin ended before the proposal was decided.
var errInputEnded = errors.New("input ended before the proposal was approved or rejected; run `wattson demo --yes` to approve it without typing")

func cmdDemo(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("demo", e)
	yes := fs.Bool("yes", false, "approve the proposed revert without waiting for you to type it (scripts, CI)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("demo: unexpected argument %q", fs.Arg(0))
	}
	base, err := loadConfig("", e.getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return runDemo(ctx, e, base, *yes, logger)
}

// runDemo runs the whole loop on the sample service: prepare the sample,
// detect, alert, investigate, propose, wait for approval, act.
func runDemo(ctx context.Context, e *env, base config, yes bool, logger *slog.Logger) error {
	began := time.Now()
	dir := demoDir(base)
	fmt.Fprintln(e.stdout, "Wattson demo: detect → alert → investigate → propose → approve → fix, on a sample service,")
	fmt.Fprintln(e.stdout, "with the embedded store, this console as the chat, and playbook mode (no LLM).")

	s, err := prepareSample(ctx, e, filepath.Join(dir, "sample"))
	if err != nil {
		return err
	}
	cfg := demoConfig(base, s, dir)
	d, err := newDemoBot(cfg, s, e, logger)
	if err != nil {
		return err
	}
	defer d.st.Close()

	stage(e, 2, "Detection: the scheduled job scans %s over the last %s", s.Query, fmt.Sprintf("%dh", int(s.End.Sub(s.Start).Hours())))
	rep, err := d.sched.Tick(ctx, d.job, s.End)
	if err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	if len(rep.Opened) == 0 {
		return fmt.Errorf("detect: no regression found in %s (%d series)", s.CPU, rep.Series)
	}
	r := rep.Opened[0]

	stage(e, 3, "Investigation: started with the alert, no click needed; its progress and findings go in the alert's thread")
	if err := d.drain(ctx); err != nil {
		return fmt.Errorf("investigate %s: %w", r.ID, err)
	}
	p, err := d.proposal(ctx, r.ID)
	if err != nil {
		return err
	}
	if p == nil || p.PRURL == "" {
		return fmt.Errorf("investigate %s: no revert was prepared; the findings above say why", r.ID)
	}

	stage(e, 4, "Approval: nothing is reverted or merged without a human")
	status, err := decide(ctx, e, d, p.ID, yes)
	if err != nil {
		return err
	}
	if err := d.drain(ctx); err != nil {
		return fmt.Errorf("act on %s: %w", p.ID, err)
	}
	if status == store.ProposalRejected {
		fmt.Fprintf(e.stdout, "\nYou rejected %s, so its branch is gone and %s is unchanged. Run `wattson demo` to play again.\n", p.ID, rel(s.Repo))
		return nil
	}
	if err := finish(ctx, e, d, s, p.ID); err != nil {
		return err
	}
	stage(e, 6, "Offense: the scan of %s's profiles at %s, and a checked, benchmarked fix of what it finds", s.Service, s.Releases[2])
	_, pats := loadLibrary(base, logger)
	if err := offensecmd.Demo(ctx, e.stdout, offensecmd.Deps{Patterns: pats, WattsPerCore: base.Impact.WattsPerCore}, s.Profiles, rel(s.Repo), s.Service, s.Releases[2]); err != nil {
		return err
	}
	return done(e, s, began)
}

// prepareSample generates the sample service, or reuses the one cached in
// dir, and resets its repository to the state it was generated in.
func prepareSample(ctx context.Context, e *env, dir string) (sample.Sample, error) {
	t := time.Now()
	s, cached, err := sample.Ensure(ctx, dir, sample.Options{})
	if err != nil {
		return s, fmt.Errorf("prepare sample: %w", err)
	}
	if err := s.Reset(ctx); err != nil {
		return s, fmt.Errorf("prepare sample: %w", err)
	}
	how := fmt.Sprintf("generated in %s, cached in %s", time.Since(t).Round(100*time.Millisecond), rel(dir))
	if cached {
		how = "reused from " + rel(dir)
	}
	stage(e, 1, "Sample service %q (%s)", s.Service, how)
	fmt.Fprintf(e.stdout, "  repo      %s: %d commits by %d authors, releases %s\n", rel(s.Repo), s.Commits, s.Authors, strings.Join(s.Releases, ", "))
	fmt.Fprintf(e.stdout, "  profiles  CPU profiles of its real request path at %s (%.1fµs CPU/request) and %s (%.1fµs)\n",
		s.Releases[1], s.CostBefore*1e6, s.Releases[2], s.CostAfter*1e6)
	fmt.Fprintf(e.stdout, "  metrics   %s and %s_build_info every %s, plus the deploy log\n", sample.CPUMetric, s.Service, strings.TrimSuffix(s.Step.String(), "0s"))
	return s, nil
}

// decide waits for the proposal to be approved or rejected: typed by the
// user on stdin, or approved at once with --yes.
func decide(ctx context.Context, e *env, d *demoBot, id string, yes bool) (store.ProposalStatus, error) {
	if yes {
		fmt.Fprintf(e.stdout, "(--yes: approving %s for you)\n", id)
		if err := d.typed(ctx, e, "approve "+id); err != nil {
			return "", err
		}
	} else {
		fmt.Fprintf(e.stdout, "Type  /wattson approve %s  to merge the revert, or  /wattson reject %s  to drop it.\n", id, id)
		fmt.Fprintf(e.stdout, "(/wattson status %s, /wattson list and /wattson help work too.)\n", id)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	if !yes {
		go func() { served <- d.console.Serve(ctx, d.bot) }()
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		p, err := d.st.GetProposal(ctx, id)
		if err != nil {
			return "", fmt.Errorf("wait for %s: %w", id, err)
		}
		if p.Status != store.ProposalProposed {
			return p.Status, nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case err := <-served:
			if err != nil {
				return "", err
			}
			if q, err := d.st.GetProposal(ctx, id); err == nil && q.Status != store.ProposalProposed {
				return q.Status, nil
			}
			return "", errInputEnded
		case <-tick.C:
		}
	}
}

// finish checks what the approval did to the sample repository.
func finish(ctx context.Context, e *env, d *demoBot, s sample.Sample, id string) error {
	p, err := d.st.GetProposal(ctx, id)
	if err != nil {
		return fmt.Errorf("check %s: %w", id, err)
	}
	stage(e, 5, "Result in the sample repository")
	branch := p.PRURL
	if _, err := exec.CommandContext(ctx, "git", "-C", s.Repo, "rev-parse", "--verify", "--quiet", "refs/heads/"+branch).Output(); err != nil {
		return fmt.Errorf("check %s: no branch %s in %s", id, branch, s.Repo)
	}
	fmt.Fprintf(e.stdout, "  branch    %s: git revert of %s %q\n", branch, p.Target[:min(7, len(p.Target))], s.Title)
	head, err := exec.CommandContext(ctx, "git", "-C", s.Repo, "log", "-1", "--format=%h %s", "main").Output()
	if err != nil {
		return fmt.Errorf("check %s: read main: %w", id, err)
	}
	fmt.Fprintf(e.stdout, "  main      %s (%s)\n", strings.TrimSpace(string(head)), p.Status)
	t := time.Now()
	if err := sample.Build(ctx, "go", s.Repo, "./..."); err != nil {
		return fmt.Errorf("check %s: main does not build after the revert: %w", id, err)
	}
	fmt.Fprintf(e.stdout, "  build     go build -trimpath ./... on main passes (%s)\n", time.Since(t).Round(100*time.Millisecond))
	return nil
}

// done says what to try next.
func done(e *env, s sample.Sample, began time.Time) error {
	fmt.Fprintf(e.stdout, "\nDone in %s. Look around:\n", time.Since(began).Round(100*time.Millisecond))
	fmt.Fprintf(e.stdout, "  git -C %s log --oneline --graph -6\n", rel(s.Repo))
	if profs, _ := filepath.Glob(filepath.Join(s.Profiles, s.Service, "*.pb.gz")); len(profs) == 2 {
		fmt.Fprintf(e.stdout, "  go tool pprof -top -cum -diff_base=%s %s\n", rel(profs[0]), rel(profs[1]))
	}
	fmt.Fprintln(e.stdout, "Then connect Slack, Discord, Prometheus, GitHub or an LLM: see the README.")
	return nil
}

// stage announces step n of the demo.
func stage(e *env, n int, format string, a ...any) {
	fmt.Fprintf(e.stdout, "\n▶ %d/6 %s\n", n, fmt.Sprintf(format, a...))
}

// rel shortens path to be relative to the working directory when it is
// inside it.
func rel(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return path
}
