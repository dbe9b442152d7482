package skills_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/deploys"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/metrics"
	"github.com/wattson-dev/wattson/skills/pprofdir"
	"github.com/wattson-dev/wattson/skills/skillstest"
)

// registryFor wires the built-in skills over a scenario, as cmd does.
func registryFor(sc skillstest.Scenario) *skills.Registry {
	series := metrics.NewFiles(sc.CPUFile, sc.BuildInfo)
	host := gitlocal.New(sc.RepoDir)
	reg := skills.NewRegistry()
	reg.Add(skills.NewFindChangePoint(series, time.Now))
	reg.Add(skills.NewDeploysInWindow(deploys.NewLog(sc.DeploysFile), deploys.NewBuildInfo(series)))
	reg.Add(skills.NewListChanges(host))
	reg.Add(skills.NewRankSuspects(host))
	reg.Add(skills.NewProfileDiff(pprofdir.New(sc.ProfilesDir)))
	reg.Add(skills.NewEstimateImpact(10))
	return reg
}

func investigate(t *testing.T, reg *skills.Registry, service string) skills.Investigation {
	t.Helper()
	return investigateWith(t, reg, map[string]any{"service": service})
}

// investigateWith runs the cpu-regression playbook with input.
func investigateWith(t *testing.T, reg *skills.Registry, input map[string]any) skills.Investigation {
	t.Helper()
	pbs, err := skills.BuiltinPlaybooks()
	if err != nil {
		t.Fatal(err)
	}
	pb, ok := skills.Find(pbs, "cpu-regression")
	if !ok {
		t.Fatal("no cpu-regression playbook")
	}
	run := skills.NewRunner(reg, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, 30*time.Second).
		Run(context.Background(), pb, input)
	return skills.Summarize(run)
}

func TestInvestigateNamesTheCulprit(t *testing.T) {
	sc := skillstest.Build(t, false)
	inv := investigate(t, registryFor(sc), sc.Service)
	for _, s := range inv.Steps {
		if s.Error != "" {
			t.Errorf("step %s failed: %s", s.Skill, s.Error)
		}
	}
	if inv.Deploy.From != sc.From || inv.Deploy.To != sc.To {
		t.Errorf("deploy = %+v, want %s..%s", inv.Deploy, sc.From, sc.To)
	}
	if inv.Verdict != skills.VerdictCulprit {
		t.Errorf("verdict = %s (%s), want culprit", inv.Verdict, inv.Reason)
	}
	if len(inv.Suspects) == 0 || inv.Suspects[0].Commit != sc.Culprit {
		t.Fatalf("suspects = %+v, want %s first", inv.Suspects, sc.Culprit)
	}
	for _, s := range inv.Suspects {
		if s.Commit == sc.Commits[0] {
			t.Errorf("docs-only commit %s is a suspect", s.Commit)
		}
	}
	if inv.Regression == nil || inv.Regression.Pct < 20 || inv.Regression.ChangeTime.Sub(sc.ChangeTime).Abs() > 10*time.Minute {
		t.Errorf("regression = %+v, want ~+30%% at %s", inv.Regression, sc.ChangeTime)
	}
}

func TestInvestigateTrafficMixHasNoCulprit(t *testing.T) {
	sc := skillstest.Build(t, true)
	inv := investigate(t, registryFor(sc), sc.Service)
	if inv.Verdict == skills.VerdictCulprit {
		t.Fatalf("verdict = culprit (%s), suspects %+v", inv.Reason, inv.Suspects)
	}
	if inv.Verdict != skills.VerdictNoCulprit {
		t.Errorf("verdict = %s (%s), want no_culprit", inv.Verdict, inv.Reason)
	}
}

func TestInvestigateBadInputIsInconclusive(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, sc *skillstest.Scenario)
		step   string
	}{
		{"missing repo", func(t *testing.T, sc *skillstest.Scenario) { sc.RepoDir = filepath.Join(t.TempDir(), "nope") }, "list_changes"},
		{"unknown revision", func(t *testing.T, sc *skillstest.Scenario) {
			data, _ := os.ReadFile(sc.DeploysFile)
			var ds []map[string]string
			json.Unmarshal(data, &ds)
			ds[1]["revision"] = "0123456789abcdef0123456789abcdef01234567"
			data, _ = json.Marshal(ds)
			os.WriteFile(sc.DeploysFile, data, 0o644)
		}, "list_changes"},
		{"truncated profile", func(t *testing.T, sc *skillstest.Scenario) {
			corruptProfiles(t, sc, func(b []byte) []byte { return b[:len(b)/2] })
		}, "profile_diff"},
		{"not a profile", func(t *testing.T, sc *skillstest.Scenario) {
			corruptProfiles(t, sc, func([]byte) []byte { return []byte("hello, not pprof") })
		}, "profile_diff"},
		{"metrics without the service", func(t *testing.T, sc *skillstest.Scenario) {
			data, _ := os.ReadFile(sc.CPUFile)
			os.WriteFile(sc.CPUFile, []byte(strings.ReplaceAll(string(data), `"service":"shop"`, `"service":"other"`)), 0o644)
		}, "find_change_point"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := skillstest.Build(t, false)
			tt.mutate(t, &sc)
			inv := investigate(t, registryFor(sc), sc.Service)
			if inv.Verdict != skills.VerdictInconclusive {
				t.Errorf("verdict = %s, want inconclusive", inv.Verdict)
			}
			found := false
			for _, s := range inv.Steps {
				if s.Skill == tt.step && s.Error != "" {
					found = true
					t.Logf("%s: %s", s.Skill, s.Error)
				}
			}
			if !found {
				t.Errorf("no error recorded in step %s: %+v", tt.step, inv.Steps)
			}
		})
	}
}

func corruptProfiles(t *testing.T, sc *skillstest.Scenario, f func([]byte) []byte) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sc.ProfilesDir, sc.Service, "*.pb.gz"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A step that starts hours after the deploy rolled out is not the deploy's:
// the playbook abstains and says so, even though the after profile shows
// the deploy's slower code.
func TestInvestigateLateStepAbstains(t *testing.T) {
	for _, lag := range []time.Duration{5 * time.Hour, 90 * time.Minute} {
		t.Run(lag.String(), func(t *testing.T) {
			sc := skillstest.BuildLate(t, lag)
			inv := investigate(t, registryFor(sc), sc.Service)
			if inv.Verdict != skills.VerdictNoCulprit {
				t.Fatalf("verdict = %s (%s), want no_culprit", inv.Verdict, inv.Reason)
			}
			if !strings.Contains(inv.Reason, "no deploy explains") || !strings.Contains(inv.Reason, "after") {
				t.Errorf("reason = %q, want it to say no deploy explains a step that starts after the rollout", inv.Reason)
			}
		})
	}
}

// A caller change (N+1): the new cost is spread over unchanged callees,
// none beyond noise alone; the cumulative cost under the changed call site
// names the culprit.
func TestInvestigateCallerChange(t *testing.T) {
	wantCulprit(t, skillstest.BuildCallPath(t), skills.BasisCallPath)
}

// wantCulprit investigates sc and wants its culprit named, by basis, with
// every step run; it returns the investigation.
func wantCulprit(t *testing.T, sc skillstest.Scenario, basis skills.Basis) skills.Investigation {
	t.Helper()
	inv := investigate(t, registryFor(sc), sc.Service)
	for _, s := range inv.Steps {
		if s.Error != "" {
			t.Errorf("step %s failed: %s", s.Skill, s.Error)
		}
	}
	if inv.Verdict != skills.VerdictCulprit || len(inv.Suspects) == 0 || inv.Suspects[0].Commit != sc.Culprit {
		t.Fatalf("verdict = %s (%s), suspects %+v; want culprit %s", inv.Verdict, inv.Reason, inv.Suspects, sc.Culprit[:7])
	}
	if inv.Basis != basis {
		t.Errorf("basis = %s (%s), want %s", inv.Basis, inv.Reason, basis)
	}
	return inv
}

// An allocation-heavy change: most of its cost is GC work no stack ties to
// it, attributed by allocation share to the lines that allocate.
func TestInvestigateAllocationChange(t *testing.T) {
	inv := wantCulprit(t, skillstest.BuildAlloc(t), skills.BasisLines)
	if !strings.Contains(strings.Join(inv.Suspects[0].Evidence, " "), "GC") {
		t.Errorf("evidence %q does not say the cost is GC work", inv.Suspects[0].Evidence)
	}
}

// TestInvestigateSettingChange: the culprit changes what a setting sets
// (a default, the manifest's GOGC, a dependency's version), not the code
// of the function that got slower.
func TestInvestigateSettingChange(t *testing.T) {
	for _, tt := range []struct {
		kind skillstest.Setting
		says string
	}{
		{skillstest.SettingTTL, "sets DefaultTTL to 5 * time.Second (was 10 * time.Minute)"},
		{skillstest.SettingGOGC, "sets GOGC to 25 (was 100)"},
		{skillstest.SettingDependency, "bumps example.com/fastjson from v1.2.0 to v1.3.0"},
	} {
		t.Run(string(tt.kind), func(t *testing.T) {
			inv := wantCulprit(t, skillstest.BuildSetting(t, tt.kind), skills.BasisSetting)
			if ev := strings.Join(inv.Suspects[0].Evidence, " | "); !strings.Contains(ev, tt.says) {
				t.Errorf("evidence %q does not say %q", ev, tt.says)
			}
		})
	}
}

// A regression the detector found in one function's profiles over time:
// the two profiles the investigation compares show the function's rise
// within sampling noise, and the service's step is too small to see. Told
// the function, the investigation counts its rise and names the commit
// that wrote its hot line; not told, it cannot.
func TestInvestigateFromTheFunction(t *testing.T) {
	sc := skillstest.BuildFunction(t)
	reg := registryFor(sc)
	at := sc.ChangeTime.Format(time.RFC3339)
	if inv := investigateWith(t, reg, map[string]any{"service": sc.Service, "at": at}); inv.Verdict == skills.VerdictCulprit {
		t.Fatalf("without the function: verdict %s (%s), want no culprit from a rise within noise", inv.Verdict, inv.Reason)
	}
	inv := investigateWith(t, reg, map[string]any{"service": sc.Service, "at": at, "function": skillstest.SlowerFunction})
	if inv.Verdict != skills.VerdictCulprit || len(inv.Suspects) == 0 || inv.Suspects[0].Commit != sc.Culprit {
		t.Fatalf("verdict = %s (%s), suspects %+v; want culprit %s", inv.Verdict, inv.Reason, inv.Suspects, sc.Culprit[:7])
	}
	if !strings.Contains(inv.Reason, "found by the detector") {
		t.Errorf("reason %q does not say the function's rise was the detector's", inv.Reason)
	}
}
