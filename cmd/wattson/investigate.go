package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/store"
)

// investigateOptions are the investigation's own inputs, apart from where
// the data lives.
type investigateOptions struct {
	service  string
	metric   string
	at       time.Time
	rps      float64
	playbook string
	skillDir string
}

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
	opt := investigateOptions{service: *service, metric: *metric, rps: *rps, playbook: *playbook}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageErrorf("investigate: --at: %v", err)
		}
		opt.at = t
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err != nil {
		return err
	}
	opt.skillDir = cfg.Skills.Dir
	m, err := resolveMode(*mode, cfg)
	if err != nil {
		return err
	}
	deps, err := sf.sources().deps(cfg)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	reg := buildRegistry(deps)
	inv, run, err := investigate(ctx, reg, deps.now, opt, log)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(inv)
	}
	if err := inv.WriteText(e.stdout); err != nil {
		return err
	}
	if m == modeAgent {
		fmt.Fprintln(e.stdout)
		return newAgent(cfg, reg, log, deps.now).Review(ctx, run).WriteText(e.stdout)
	}
	return nil
}

// investigate runs the playbook over the skills of reg.
func investigate(ctx context.Context, reg *skills.Registry, now func() time.Time, opt investigateOptions, log *slog.Logger) (skills.Investigation, skills.Run, error) {
	pb, err := findPlaybook(opt.playbook, opt.skillDir)
	if err != nil {
		return skills.Investigation{}, skills.Run{}, err
	}
	run := skills.NewRunner(reg, log, now, 30*time.Second).Run(ctx, pb, investigationInput(opt))
	return skills.Summarize(run), run, nil
}

// investigationInput is the playbook input for opt.
func investigationInput(opt investigateOptions) map[string]any {
	input := map[string]any{"service": opt.service}
	if opt.metric != "" {
		input["metric"] = opt.metric
	}
	if !opt.at.IsZero() {
		input["at"] = opt.at.UTC().Format(time.RFC3339)
	}
	if opt.rps > 0 {
		input["requests_per_second"] = opt.rps
	}
	return input
}

// findPlaybook looks name up in skills.dir first, then among the built-ins.
func findPlaybook(name, dir string) (skills.Playbook, error) {
	if dir != "" {
		pbs, err := skills.LoadPlaybooks(dir)
		if err != nil {
			return skills.Playbook{}, fmt.Errorf("load playbooks: %w", err)
		}
		if pb, ok := skills.Find(pbs, name); ok {
			return pb, nil
		}
	}
	pbs, err := skills.BuiltinPlaybooks()
	if err != nil {
		return skills.Playbook{}, fmt.Errorf("load built-in playbooks: %w", err)
	}
	pb, ok := skills.Find(pbs, name)
	if !ok {
		return skills.Playbook{}, usageErrorf("investigate: no playbook %q", name)
	}
	return pb, nil
}

// toStoreInvestigation maps a finished run to the store's record.
func toStoreInvestigation(inv skills.Investigation, run skills.Run, trigger store.Trigger) store.Investigation {
	rec := store.Investigation{
		Trigger: trigger, Mode: store.ModePlaybook, Status: store.InvestigationDone,
		Verdict:   fmt.Sprintf("%s: %s", inv.Verdict, inv.Reason),
		StartedAt: run.StartedAt, FinishedAt: run.FinishedAt,
	}
	for _, s := range run.Steps {
		rec.Steps = append(rec.Steps, store.Step{Skill: s.Skill, Input: s.Input, Summary: s.Summary, Output: s.Output, Duration: s.Duration, Error: s.Error})
	}
	for _, s := range inv.Suspects {
		rec.Suspects = append(rec.Suspects, store.Suspect{Commit: s.Commit, Author: s.Author, Title: s.Title, Score: s.Score, Evidence: s.Evidence})
	}
	return rec
}
