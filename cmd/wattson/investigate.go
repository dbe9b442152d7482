package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/bot/investigator"
	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/deploys"
	"github.com/wattson-dev/wattson/skills/metrics"
)

func cmdInvestigate(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("investigate", e)
	path := configFlag(fs, e)
	sf := addSourceFlags(fs)
	service := fs.String("service", "", "service `name` (the service label and profiles/<service>/)")
	metric := fs.String("metric", "", "metric `name` to investigate (default: the service's only non-build_info series)")
	at := fs.String("at", "", "RFC 3339 `time` near the change (default: the strongest step up)")
	end := fs.String("end", "", "end of the window searched without --at: RFC 3339, unix seconds or a negative duration (default now)")
	lookback := fs.Duration("lookback", 0, "how far back from --end to search without --at (default 240h)")
	rps := fs.Float64("rps", 0, "request `rate` per second, to estimate extra cores and watts")
	playbook := fs.String("playbook", "cpu-regression", "playbook `name` (built in, or from skills.dir)")
	format := fs.String("format", "text", "output `format`: text or json")
	mode := fs.String("mode", modeAuto, "`mode`: playbook, agent (needs an LLM), or auto (agent when an LLM is configured)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("investigate: unexpected argument %q", fs.Arg(0))
	}
	if *service == "" {
		return usageErrorf("investigate: --service is required")
	}
	if *format != "text" && *format != "json" {
		return usageErrorf("investigate: --format must be text or json, not %q", *format)
	}
	in := investigator.Input{Service: *service, Metric: *metric, RPS: *rps, Lookback: *lookback}
	until, err := prom.ParseTime(cmp.Or(*end, "0s"), time.Now())
	if err != nil || *lookback < 0 {
		return usageErrorf("investigate: --end wants RFC 3339, unix seconds or a negative duration, --lookback a positive duration; got %q and %v", *end, *lookback)
	}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageErrorf("investigate: --at: %v", err)
		}
		in.At = t
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err != nil {
		return err
	}
	m, err := resolveMode(*mode, cfg)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	lib, pats := loadLibrary(cfg, log)
	deps, err := sf.deps(cfg, pats, log)
	if err != nil {
		return err
	}
	deps.Now = func() time.Time { return until } // the investigation looks back from --end
	pb, err := findPlaybook(*playbook, cfg.Skills.Dir)
	if err != nil {
		return err
	}
	if err := checkInputs(sf, e); err != nil {
		return fmt.Errorf("investigate: %w", err)
	}
	svc := newInvestigation(cfg, deps, pb, lib, m == modeAgent, log)
	inv, run := investigator.Run(ctx, svc, in, log, nil)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("investigate: stopped before the end: %w", err)
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(inv); err != nil {
			return err
		}
	} else if err := inv.WriteText(e.stdout); err != nil {
		return err
	}
	if err := allFailed(run); err != nil {
		return err
	}
	if svc.Agent != nil {
		fmt.Fprintln(e.stdout)
		return svc.Agent.Review(ctx, run).WriteText(e.stdout)
	}
	return nil
}

// checkInputs reads the deploy log and metrics files the flags name and
// reports on stderr each record or point the investigation leaves out; a
// file that cannot be used at all is an error.
func checkInputs(sf *sourceFlags, e *env) error {
	notes, err := metrics.NewFiles(sf.metrics...).Check()
	if err == nil && *sf.deployLog != "" {
		var more []string
		more, err = deploys.NewLog(*sf.deployLog).Check()
		notes = append(notes, more...)
	}
	for _, line := range notes {
		fmt.Fprintf(e.stderr, "wattson: investigate: %s\n", line)
	}
	return err
}

// allFailed is an error listing every step's failure when no step of run
// succeeded: the verdict then rests on no evidence at all. The first line
// names the failures that are not skips for want of an earlier result.
func allFailed(run skills.Run) error {
	var first, rest []string
	for _, s := range run.Steps {
		if s.OK() {
			return nil
		}
		if strings.HasPrefix(s.Error, "skipped") {
			rest = append(rest, "\n  "+s.Skill+": skipped, an earlier step failed")
		} else {
			first = append(first, s.Skill+": "+s.Error)
		}
	}
	return fmt.Errorf("investigate: all %d steps failed, no evidence: %s%s", len(run.Steps), strings.Join(first, "; "), strings.Join(rest, ""))
}

// findPlaybook looks name up in skills.dir first, then among the
// built-ins; an unknown name is a usage mistake.
func findPlaybook(name, dir string) (skills.Playbook, error) {
	pb, err := skills.FindPlaybook(name, dir)
	if errors.Is(err, skills.ErrNoPlaybook) {
		return pb, usageErrorf("investigate: no playbook %q", name)
	}
	return pb, err
}
