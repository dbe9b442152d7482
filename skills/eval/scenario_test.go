package eval_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot/investigator"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/agent"
	"github.com/wattson-dev/wattson/skills/agent/agenttest"
	"github.com/wattson-dev/wattson/skills/builtin"
	"github.com/wattson-dev/wattson/skills/eval"
	"github.com/wattson-dev/wattson/skills/eval/evaltest"
	"github.com/wattson-dev/wattson/skills/skillstest"
)

// playbookWire runs the built-in cpu-regression playbook over a scenario's
// skills, with the agent that newAgent returns, if any.
func playbookWire(t *testing.T, newAgent func(*skills.Registry, builtin.Deps) *agent.Agent) eval.Wire {
	t.Helper()
	pbs, err := skills.BuiltinPlaybooks()
	if err != nil {
		t.Fatal(err)
	}
	pb, ok := skills.Find(pbs, "cpu-regression")
	if !ok {
		t.Fatal("no built-in cpu-regression playbook")
	}
	return func(d builtin.Deps) investigator.Service {
		s := investigator.Service{Registry: builtin.Registry(d), Playbook: pb, Now: d.Now}
		if newAgent != nil {
			s.Agent = newAgent(s.Registry, d)
		}
		return s
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestRun(t *testing.T) {
	sc := skillstest.Build(t, false)
	root := evaltest.WriteScenarios(t, sc)

	rs, err := eval.Run(context.Background(), root, playbookWire(t, nil), discard())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("got %d results, want 1: %+v", len(rs), rs)
	}
	r := rs[0]
	if r.ID != "g01" || r.Culprit != sc.Culprit || r.Verdict != skills.VerdictCulprit || !r.Top1 || !r.Top3 ||
		len(r.Top) == 0 || r.Top[0] != sc.Culprit || r.Tokens != 0 || r.Error != "" || r.Duration <= 0 || r.ConfidentWrong() {
		t.Errorf("result %+v, want the culprit %s first, no tokens, no errors", r, sc.Culprit)
	}

	// With an agent, the model reviews the run and its tokens are counted;
	// the skills' ranking stays.
	srv := agenttest.NewServer().Then(agenttest.Auto())
	defer srv.Close()
	withAgent := playbookWire(t, func(reg *skills.Registry, d builtin.Deps) *agent.Agent {
		return agent.New(agent.NewClient(srv.URL, "", 1, nil), reg, nil, discard(), d.Now, agent.Config{Model: "scripted"})
	})
	rs, err = eval.Run(context.Background(), root, withAgent, discard())
	if err != nil {
		t.Fatal(err)
	}
	if r := rs[0]; !r.Top1 || r.Tokens == 0 {
		t.Errorf("agent result %+v, want the culprit first and the model's tokens", r)
	}
	if len(srv.Requests()) == 0 {
		t.Error("the model was never asked")
	}
}

func TestRunScenarioErrors(t *testing.T) {
	root := t.TempDir()
	write := func(path, body string) {
		t.Helper()
		p := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a-bad-scenario/scenario.json", "{")
	write("b-no-truth/scenario.json", `{"service":"shop"}`)
	write("c-no-repo/scenario.json", `{"service":"shop"}`)
	write("c-no-repo/truth.json", `{"culprit":null}`)
	write("not-a-scenario/README", "")
	write("scenario.json", "{}") // a file, not a scenario directory

	wired := false
	rs, err := eval.Run(context.Background(), root, func(builtin.Deps) investigator.Service {
		wired = true
		return investigator.Service{}
	}, discard())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ id, err string }{
		{"a-bad-scenario", "parse scenario.json"},
		{"b-no-truth", "read truth.json"},
		{"c-no-repo", "repo.bundle"},
	}
	if len(rs) != len(want) {
		t.Fatalf("got %d results, want %d: %+v", len(rs), len(want), rs)
	}
	for i, w := range want {
		if rs[i].ID != w.id || !strings.Contains(rs[i].Error, w.err) || rs[i].Culprit != "" {
			t.Errorf("result %d: %+v, want %s with an error containing %q", i, rs[i], w.id, w.err)
		}
	}
	if wired {
		t.Error("a scenario that could not be read was investigated")
	}
}

func TestRunNoScenarios(t *testing.T) {
	wire := func(builtin.Deps) investigator.Service { return investigator.Service{} }
	for name, dir := range map[string]string{"empty": t.TempDir(), "missing": filepath.Join(t.TempDir(), "nope")} {
		t.Run(name, func(t *testing.T) {
			if _, err := eval.Run(context.Background(), dir, wire, discard()); err == nil || !strings.HasPrefix(err.Error(), "read scenarios: ") {
				t.Errorf("Run(%s) error %v, want read scenarios: ...", dir, err)
			}
		})
	}
}

func TestRunCanceled(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "s"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "s", "scenario.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := eval.Run(ctx, root, func(builtin.Deps) investigator.Service { return investigator.Service{} }, discard())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a canceled context: %v, want context.Canceled", err)
	}
}

// TestRunGeneratedClasses runs the project's generated scenarios of every
// class the playbook reasons about through eval, as `wattson eval
// investigate` does: each names its culprit (or abstains when none is
// true) by the evidence of its class, and none is confident and wrong.
func TestRunGeneratedClasses(t *testing.T) {
	late := skillstest.BuildLate(t, 5*time.Hour)
	late.Culprit = "" // the step starts hours after the deploy: nothing in it explains it
	cases := []struct {
		sc    skillstest.Scenario
		basis skills.Basis
	}{
		{skillstest.Build(t, false), skills.BasisLines},
		{skillstest.Build(t, true), skills.BasisNoSlower},
		{skillstest.BuildCallPath(t), skills.BasisCallPath},
		{skillstest.BuildAlloc(t), skills.BasisLines},
		{skillstest.BuildSetting(t, skillstest.SettingTTL), skills.BasisSetting},
		{skillstest.BuildSetting(t, skillstest.SettingGOGC), skills.BasisSetting},
		{skillstest.BuildSetting(t, skillstest.SettingDependency), skills.BasisSetting},
		{late, skills.BasisTiming},
	}
	cases[1].sc.Culprit = "" // a traffic-mix change has no culprit
	var scs []skillstest.Scenario
	for _, c := range cases {
		scs = append(scs, c.sc)
	}
	rs, err := eval.Run(context.Background(), evaltest.WriteScenarios(t, scs...), playbookWire(t, nil), discard())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(cases) {
		t.Fatalf("got %d results, want %d", len(rs), len(cases))
	}
	for i, r := range rs {
		c := cases[i]
		right := r.Top1 && r.Verdict == skills.VerdictCulprit
		if c.sc.Culprit == "" {
			right = r.Verdict != skills.VerdictCulprit
		}
		if !right || r.ConfidentWrong() || r.Basis != c.basis || r.Error != "" {
			t.Errorf("%s: verdict %s by %s (%s), top %v, error %q; want %s by %s", r.ID, r.Verdict, r.Basis, r.Reason,
				r.Top, r.Error, map[bool]string{true: "the culprit " + c.sc.Culprit, false: "no culprit"}[c.sc.Culprit != ""], c.basis)
		}
	}
}
