package investigator

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/agent"
	"github.com/wattson-dev/wattson/skills/agent/agenttest"
	"github.com/wattson-dev/wattson/skills/builtin"
	"github.com/wattson-dev/wattson/skills/deploys"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/library"
	"github.com/wattson-dev/wattson/skills/metrics"
	"github.com/wattson-dev/wattson/skills/pprofdir"
	"github.com/wattson-dev/wattson/skills/skillstest"
	"github.com/wattson-dev/wattson/store"
)

var discard = slog.New(slog.DiscardHandler)

// service is the scenario's service as it is wired at start-up: its
// skills over its data sources and the built-in cpu-regression playbook.
func service(t *testing.T, sc skillstest.Scenario) Service {
	t.Helper()
	series := metrics.NewFiles(sc.CPUFile, sc.BuildInfo)
	reg := builtin.Registry(builtin.Deps{
		Series: series, Deploys: []skills.DeploySource{deploys.NewLog(sc.DeploysFile), deploys.NewBuildInfo(series)},
		Host: gitlocal.New(sc.RepoDir), Profiles: pprofdir.New(sc.ProfilesDir), WattsPerCore: 10,
	})
	pbs, err := skills.BuiltinPlaybooks()
	if err != nil {
		t.Fatal(err)
	}
	pb, ok := skills.Find(pbs, "cpu-regression")
	if !ok {
		t.Fatal("no built-in cpu-regression playbook")
	}
	return Service{Repo: sc.RepoDir, Registry: reg, Playbook: pb}
}

// regressions is a store of regressions by id.
type regressions map[string]store.Regression

func (rs regressions) GetRegression(_ context.Context, id string) (*store.Regression, error) {
	r, ok := rs[id]
	if !ok {
		return nil, store.ErrNotFound
	}
	return &r, nil
}

func TestInvestigatorNamesCulpritAndProposesRevert(t *testing.T) {
	sc := skillstest.Build(t, false)
	svc := service(t, sc)
	svc.RPS = 500
	inv := New(map[string]Service{sc.Service: svc}, regressions{}, discard)

	var progress []string
	f, err := inv.Investigate(context.Background(), bot.Question{Service: sc.Service, Trigger: store.TriggerCommand},
		func(s bot.Progress) { progress = append(progress, s.Text) })
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) != len(f.Steps) || len(progress) == 0 || !strings.HasPrefix(progress[0], "find_change_point: ") {
		t.Errorf("progress = %q for %d steps", progress, len(f.Steps))
	}
	if len(f.Suspects) == 0 || f.Suspects[0].Commit != sc.Culprit || !strings.HasPrefix(f.Verdict, "culprit") {
		t.Fatalf("verdict %q, suspects %+v; want culprit %s", f.Verdict, f.Suspects, sc.Culprit)
	}
	if f.Mode != store.ModePlaybook || f.Cores <= 0 {
		t.Errorf("mode %s, cores %g; want playbook mode with the cost at 500 requests/s", f.Mode, f.Cores)
	}
	if len(f.Proposals) != 1 {
		t.Fatalf("proposals = %+v, want one revert", f.Proposals)
	}
	p := f.Proposals[0]
	if p.Kind != store.ProposalRevert || p.Target != sc.Culprit || p.Repo != sc.RepoDir || !strings.Contains(p.Body, "Evidence:") ||
		!strings.Contains(p.Body, "Estimated cost:") || p.Title != "Revert "+sc.Culprit[:7]+": "+f.Suspects[0].Title {
		t.Errorf("proposal = %+v", p)
	}
}

func TestInvestigatorReadsTheRegressionAskedAbout(t *testing.T) {
	sc := skillstest.Build(t, false)
	regs := regressions{"R-1": {ID: "R-1", Service: sc.Service, Metric: "service:cpu_seconds_per_request:rate5m", ChangeTime: sc.ChangeTime}}
	inv := New(map[string]Service{sc.Service: service(t, sc)}, regs, discard)
	f, err := inv.Investigate(context.Background(), bot.Question{RegressionID: "R-1", Trigger: store.TriggerAlert}, func(bot.Progress) {})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Steps) == 0 || !strings.Contains(string(f.Steps[0].Input), sc.ChangeTime.UTC().Format(time.RFC3339)) {
		t.Errorf("first step %+v; want it asked about the regression's change time", f.Steps[0])
	}
	if len(f.Suspects) == 0 || f.Suspects[0].Commit != sc.Culprit {
		t.Errorf("suspects %+v; want %s first", f.Suspects, sc.Culprit)
	}
	if _, err := inv.Investigate(context.Background(), bot.Question{RegressionID: "R-9"}, func(bot.Progress) {}); err == nil || !strings.Contains(err.Error(), "R-9") {
		t.Errorf("unknown regression: %v", err)
	}
}

func TestInvestigatorUnknownServiceIsExplained(t *testing.T) {
	inv := New(nil, regressions{}, discard)
	_, err := inv.Investigate(context.Background(), bot.Question{Service: "payments"}, func(bot.Progress) {})
	if got := bot.PublicText(context.Background(), discard, err); !strings.Contains(got, `"payments"`) || !strings.Contains(got, "services:") {
		t.Errorf("user sees %q", got)
	}
}

func TestInvestigatorWithAgentKeepsSkillVerdict(t *testing.T) {
	sc := skillstest.Build(t, false)
	srv := agenttest.NewServer().Then(agenttest.Auto())
	defer srv.Close()
	svc := service(t, sc)
	guides, _ := library.Load("")
	svc.Agent = agent.New(agent.NewClient(srv.URL, "", 1, nil), svc.Registry, guides, discard, time.Now,
		agent.Config{Model: "scripted", LegacyMaxTokens: true})
	f, err := New(map[string]Service{sc.Service: svc}, regressions{}, discard).Investigate(context.Background(),
		bot.Question{Service: sc.Service, Trigger: store.TriggerAlert}, func(bot.Progress) {})
	if err != nil {
		t.Fatal(err)
	}
	if f.Mode != store.ModeAgent || f.TokensUsed == 0 {
		t.Errorf("mode %s, tokens %d; want agent mode with tokens counted", f.Mode, f.TokensUsed)
	}
	if !strings.HasPrefix(f.Verdict, "culprit") || len(f.Suspects) == 0 || f.Suspects[0].Commit != sc.Culprit {
		t.Errorf("verdict %q, suspects %+v: the skills' verdict must stand", f.Verdict, f.Suspects)
	}
	reverts := 0
	for _, p := range f.Proposals {
		if p.Kind == store.ProposalRevert && p.Target == sc.Culprit {
			reverts++
		}
	}
	if reverts != 1 {
		t.Errorf("proposals %+v, want exactly one revert of the culprit", f.Proposals)
	}
}

func TestRecord(t *testing.T) {
	sc := skillstest.Build(t, false)
	inv, run := Run(context.Background(), service(t, sc), Input{Service: sc.Service}, discard, nil)
	rec := record(inv, run, store.TriggerCommand)
	if rec.Mode != store.ModePlaybook || len(rec.Steps) != len(run.Steps) || len(rec.Suspects) == 0 || rec.Suspects[0].Commit != sc.Culprit {
		t.Errorf("record = %+v", rec)
	}
	if !strings.HasPrefix(rec.Verdict, "culprit: ") || rec.Trigger != store.TriggerCommand {
		t.Errorf("verdict = %q, trigger %s", rec.Verdict, rec.Trigger)
	}
}
