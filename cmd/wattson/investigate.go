package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/wattson-dev/wattson/bot/investigator"
	"github.com/wattson-dev/wattson/skills"
)

func cmdInvestigate(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("investigate", e)
	path := configFlag(fs, e)
	sf := addSourceFlags(fs)
	service := fs.String("service", "", "service `name` (the service label and profiles/<service>/)")
	metric := fs.String("metric", "", "metric `name` to investigate (default: the service's only non-build_info series)")
	at := fs.String("at", "", "RFC 3339 `time` near the change (default: the strongest step up)")
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
	in := investigator.Input{Service: *service, Metric: *metric, RPS: *rps}
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
	pb, err := findPlaybook(*playbook, cfg.Skills.Dir)
	if err != nil {
		return err
	}
	svc := newInvestigation(cfg, deps, pb, lib, m == modeAgent, log)
	inv, run := investigator.Run(ctx, svc, in, log, nil)
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(inv)
	}
	if err := inv.WriteText(e.stdout); err != nil {
		return err
	}
	if svc.Agent != nil {
		fmt.Fprintln(e.stdout)
		return svc.Agent.Review(ctx, run).WriteText(e.stdout)
	}
	return nil
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
