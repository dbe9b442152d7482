package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/wattson-dev/wattson/cmd/wattson/internal/demoshow"
	"github.com/wattson-dev/wattson/cmd/wattson/internal/offensecmd"
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

	s, err := demoshow.Prepare(ctx, e.stdout, filepath.Join(dir, "sample"))
	if err != nil {
		return err
	}
	cfg := demoConfig(base, s, dir)
	d, err := newDemoBot(cfg, s, e, logger)
	if err != nil {
		return err
	}
	defer d.st.Close()

	demoshow.Stage(e.stdout, 2, "Detection: the scheduled job scans %s over the last %s", s.Query, fmt.Sprintf("%dh", int(s.End.Sub(s.Start).Hours())))
	rep, err := d.sched.Tick(ctx, d.job, s.End)
	if err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	if len(rep.Opened) == 0 {
		return fmt.Errorf("detect: no regression found in %s (%d series)", s.CPU, rep.Series)
	}
	r := rep.Opened[0]

	demoshow.Stage(e.stdout, 3, "Investigation: started with the alert, no click needed; its progress and findings go in the alert's thread")
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

	demoshow.Stage(e.stdout, 4, "Approval: nothing is reverted or merged without a human")
	status, err := decide(ctx, e, d, p.ID, yes)
	if err != nil {
		return err
	}
	if err := d.drain(ctx); err != nil {
		return fmt.Errorf("act on %s: %w", p.ID, err)
	}
	if status == store.ProposalRejected {
		fmt.Fprintf(e.stdout, "\nYou rejected %s, so its branch is gone and %s is unchanged. Run `wattson demo` to play again.\n", p.ID, demoshow.Rel(s.Repo))
		return nil
	}
	q, err := d.st.GetProposal(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("check %s: %w", p.ID, err)
	}
	if err := demoshow.Result(ctx, e.stdout, s, *q); err != nil {
		return err
	}
	demoshow.Stage(e.stdout, 6, "Offense: the scan of %s's profiles at %s, and a checked, benchmarked fix of what it finds", s.Service, s.Releases[2])
	_, pats := loadLibrary(base, logger)
	if err := offensecmd.Demo(ctx, e.stdout, offensecmd.Deps{Patterns: pats, WattsPerCore: base.Impact.WattsPerCore}, s.Profiles, demoshow.Rel(s.Repo), s.Service, s.Releases[2]); err != nil {
		return err
	}
	demoshow.Done(e.stdout, s, began)
	return nil
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
