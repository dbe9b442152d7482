package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/wattson-dev/wattson/bot/investigator"
	"github.com/wattson-dev/wattson/skills/builtin"
	"github.com/wattson-dev/wattson/skills/eval"
)

// evalInvestigate runs the cpu-regression playbook over every scenario in
// --scenarios (format: package skills/eval) and prints accuracy and timing.
func evalInvestigate(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("eval", e)
	dir := fs.String("scenarios", "", "scenario `dir` (one subdirectory per scenario)")
	format := fs.String("format", "text", "output `format`: text or json")
	mode := fs.String("mode", modePlaybook, "`mode`: playbook, or agent: the playbook, then a review by the configured LLM (reports tokens per investigation)")
	path := configFlag(fs, e) // for llm.*
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *mode != modePlaybook && *mode != modeAgent {
		return usageErrorf("eval investigate: --mode must be playbook or agent, not %q", *mode)
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err != nil {
		return err
	}
	if _, err := resolveMode(*mode, cfg); err != nil {
		return err
	}
	if *dir == "" {
		return usageErrorf("eval investigate: --scenarios is required")
	}
	if *format != "text" && *format != "json" {
		return usageErrorf("eval investigate: --format must be text or json, not %q", *format)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pb, err := findPlaybook("cpu-regression", "")
	if err != nil {
		return err
	}
	lib, pats := loadLibrary(cfg, log)
	results, err := eval.Run(ctx, *dir, func(d builtin.Deps) investigator.Service {
		d.Patterns = pats
		d.WattsPerCore = defaultConfig().Impact.WattsPerCore
		return newInvestigation(cfg, d, pb, lib, *mode == modeAgent, log)
	}, log)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	if err := eval.WriteTable(e.stdout, results); err != nil {
		return fmt.Errorf("eval investigate: %w", err)
	}
	return nil
}
