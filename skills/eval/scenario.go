package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/bot/investigator"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/builtin"
	"github.com/wattson-dev/wattson/skills/deploys"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/metrics"
	"github.com/wattson-dev/wattson/skills/pprofdir"
)

// Result is one scenario's outcome.
type Result struct {
	ID      string         `json:"id"`
	Culprit string         `json:"culprit"` // empty: no culprit
	Verdict skills.Verdict `json:"verdict"`
	// Basis and Reason say which evidence decided the verdict, and how.
	Basis    skills.Basis  `json:"basis,omitempty"`
	Reason   string        `json:"reason,omitempty"`
	Top      []string      `json:"top"`
	Top1     bool          `json:"top1"`
	Top3     bool          `json:"top3"`
	Duration time.Duration `json:"duration"`
	Tokens   int64         `json:"tokens,omitempty"` // model tokens, in agent mode
	Error    string        `json:"error,omitempty"`
}

// ConfidentWrong reports a culprit verdict that names the wrong commit, or
// any commit when there is none.
func (r Result) ConfidentWrong() bool {
	return r.Verdict == skills.VerdictCulprit && (r.Culprit == "" || !r.Top1)
}

// Wire builds the investigation of one scenario over the data sources Run
// made of it (series, deploys, code host, profiles and the clock); the
// caller adds what its configuration says, such as the skill library's
// patterns, watts per core and the agent.
type Wire func(builtin.Deps) investigator.Service

// Run investigates every scenario under dir (the layout is in the package
// doc), in directory order, as `wattson investigate` would, and scores
// each. A scenario that cannot be read or run records why in its Result's
// Error, as do the playbook steps that failed; Run itself fails only when
// dir holds no scenario, the temporary directory cannot be made, or ctx
// ends.
func Run(ctx context.Context, dir string, wire Wire, log *slog.Logger) ([]Result, error) {
	ids, err := scenarioIDs(dir)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "wattson-eval-")
	if err != nil {
		return nil, fmt.Errorf("make temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	var results []Result
	for _, id := range ids {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		results = append(results, runScenario(ctx, filepath.Join(dir, id), filepath.Join(tmp, id), wire, log))
	}
	return results, nil
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
// it over what wire makes of the scenario's data sources, timing the
// investigation alone. With an agent, the configured model then reviews
// the run, and its tokens are counted.
func runScenario(ctx context.Context, dir, work string, wire Wire, log *slog.Logger) Result {
	res := Result{ID: filepath.Base(dir)}
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
	svc := wire(builtin.Deps{
		Series:   series,
		Deploys:  []skills.DeploySource{deploys.NewLog(filepath.Join(dir, "deploys.json")), deploys.NewBuildInfo(series)},
		Host:     repo,
		Profiles: pprofdir.New(filepath.Join(dir, "profiles")),
		Now:      time.Now,
	})
	start := time.Now()
	inv, run := investigator.Run(ctx, svc, investigator.Input{Service: sc.Service}, log, nil)
	if svc.Agent != nil {
		res.Tokens = svc.Agent.Review(ctx, run).Usage.TotalTokens
	}
	res.Duration = time.Since(start)
	res.Verdict, res.Basis, res.Reason = inv.Verdict, inv.Basis, inv.Reason
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
