package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/deploys"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/metrics"
	"github.com/wattson-dev/wattson/skills/pprofdir"
)

// scenarioResult is one scenario's outcome in `wattson eval investigate`.
type scenarioResult struct {
	ID       string         `json:"id"`
	Culprit  string         `json:"culprit"` // empty: no culprit
	Verdict  skills.Verdict `json:"verdict"`
	Top      []string       `json:"top"`
	Top1     bool           `json:"top1"`
	Top3     bool           `json:"top3"`
	Duration time.Duration  `json:"duration"`
	Tokens   int64          `json:"tokens,omitempty"` // model tokens, in agent mode
	Error    string         `json:"error,omitempty"`
}

// confidentWrong: a culprit verdict that names the wrong commit, or any
// commit when there is none.
func (r scenarioResult) confidentWrong() bool {
	return r.Verdict == skills.VerdictCulprit && (r.Culprit == "" || !r.Top1)
}

// evalInvestigate runs the cpu-regression playbook over every scenario in
// --scenarios (format: its README) and prints accuracy and timing.
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
	ids, err := scenarioIDs(*dir)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "wattson-eval-")
	if err != nil {
		return fmt.Errorf("make temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var results []scenarioResult
	for _, id := range ids {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var llm *config // the agent's configuration, in agent mode
		if *mode == modeAgent {
			llm = &cfg
		}
		results = append(results, runScenario(ctx, filepath.Join(*dir, id), filepath.Join(tmp, id), llm, log))
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	return writeEvalTable(e.stdout, results)
}

// scenarioIDs lists the subdirectories that hold a scenario.json.
func scenarioIDs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read scenarios: %w", err)
	}
	var ids []string
	for _, en := range entries {
		if _, err := os.Stat(filepath.Join(dir, en.Name(), "scenario.json")); en.IsDir() && err == nil {
			ids = append(ids, en.Name())
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("read scenarios: no scenario.json under %s", dir)
	}
	return ids, nil
}

// runScenario clones the scenario's repository into work and investigates
// it as `wattson investigate` would, timing the investigation alone. With
// llm, the configured model then reviews the run, and its tokens are
// counted.
func runScenario(ctx context.Context, dir, work string, llm *config, log *slog.Logger) scenarioResult {
	res := scenarioResult{ID: filepath.Base(dir)}
	var sc struct {
		Service string `json:"service"`
	}
	var truth struct {
		Culprit *string `json:"culprit"`
	}
	if err := readJSON(filepath.Join(dir, "scenario.json"), &sc); err != nil {
		res.Error = err.Error()
		return res
	}
	if err := readJSON(filepath.Join(dir, "truth.json"), &truth); err != nil {
		res.Error = err.Error()
		return res
	}
	if truth.Culprit != nil {
		res.Culprit = *truth.Culprit
	}
	repo, err := gitlocal.Clone(ctx, filepath.Join(dir, "repo.bundle"), work)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	files, _ := filepath.Glob(filepath.Join(dir, "metrics", "*.json"))
	files = slices.DeleteFunc(files, func(p string) bool { return filepath.Base(p) == "queries.json" })
	series := metrics.NewFiles(files...)
	deps := skillDeps{
		series:       series,
		deploys:      []skills.DeploySource{deploys.NewLog(filepath.Join(dir, "deploys.json")), deploys.NewBuildInfo(series)},
		host:         repo,
		profiles:     pprofdir.New(filepath.Join(dir, "profiles")),
		wattsPerCore: defaultConfig().Impact.WattsPerCore,
		now:          time.Now,
	}
	reg := buildRegistry(deps)
	start := time.Now()
	inv, run, err := investigate(ctx, reg, deps.now, investigateOptions{service: sc.Service, playbook: "cpu-regression"}, log)
	if err == nil && llm != nil {
		res.Tokens = newAgent(*llm, reg, log, deps.now).Review(ctx, run).Usage.TotalTokens
	}
	res.Duration = time.Since(start)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Verdict = inv.Verdict
	for i, s := range inv.Suspects {
		if i < 3 {
			res.Top = append(res.Top, s.Commit)
		}
	}
	if res.Culprit != "" && len(res.Top) > 0 {
		res.Top1 = res.Top[0] == res.Culprit
		res.Top3 = slices.Contains(res.Top, res.Culprit)
	}
	var failed []string
	for _, s := range inv.Steps {
		if s.Error != "" {
			failed = append(failed, s.Skill+": "+s.Error)
		}
	}
	res.Error = strings.Join(failed, "; ")
	return res
}

func readJSON(path string, dst any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	if err := json.Unmarshal(data, dst); err != nil {
		return fmt.Errorf("parse %s: %w", filepath.Base(path), err)
	}
	return nil
}

// writeEvalTable prints one line per scenario and the totals.
func writeEvalTable(w io.Writer, rs []scenarioResult) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tTRUTH\tVERDICT\tTOP-1\tTOP-3\tTIME\tTOKENS\tERRORS")
	var culprits, top1, top3, none, abstain, wrong int
	var times []time.Duration
	for _, r := range rs {
		truth := "none"
		if r.Culprit != "" {
			truth = r.Culprit[:min(7, len(r.Culprit))]
			culprits++
			top1 += b2i(r.Top1)
			top3 += b2i(r.Top3)
		} else {
			none++
			abstain += b2i(r.Verdict == skills.VerdictNoCulprit || r.Verdict == skills.VerdictInconclusive)
		}
		wrong += b2i(r.confidentWrong())
		times = append(times, r.Duration)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.ID, truth, orDashVerdict(r.Verdict), mark(r.Culprit != "", r.Top1), mark(r.Culprit != "", r.Top3),
			r.Duration.Round(time.Millisecond), r.Tokens, r.Error)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	fmt.Fprintf(w, "\nscenarios %d (with culprit %d, without %d)\n", len(rs), culprits, none)
	fmt.Fprintf(w, "top-1 %s  top-3 %s  correct abstentions %d/%d  confident-wrong %d\n", pct(top1, culprits), pct(top3, culprits), abstain, none, wrong)
	if len(times) > 0 {
		fmt.Fprintf(w, "time per scenario: p50 %s  max %s\n", times[(len(times)-1)/2].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
	}
	if wrong > 0 {
		return errors.New("eval investigate: confident-wrong verdicts")
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func mark(applies, ok bool) string {
	switch {
	case !applies:
		return "-"
	case ok:
		return "yes"
	}
	return "no"
}

func pct(n, d int) string {
	if d == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d/%d (%.0f%%)", n, d, 100*float64(n)/float64(d))
}

func orDashVerdict(v skills.Verdict) string {
	if v == "" {
		return "-"
	}
	return string(v)
}
