package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/skills/agent/agenttest"
	"github.com/wattson-dev/wattson/skills/skillstest"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
)

func TestInvestigateAgentMode(t *testing.T) {
	sc := skillstest.Build(t, false)
	srv := agenttest.NewServer().Then(agenttest.Auto())
	defer srv.Close()
	args := []string{"investigate", "--mode", "agent", "--service", sc.Service, "--metrics", sc.CPUFile, "--metrics", sc.BuildInfo,
		"--deploys", sc.DeploysFile, "--repo", sc.RepoDir, "--profiles", sc.ProfilesDir}
	var out, errb bytes.Buffer
	err := run(context.Background(), args, envMap(map[string]string{"OPENAI_BASE_URL": srv.URL, "WATTSON_LLM_MODEL": "scripted"}),
		strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatalf("investigate --mode agent: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), sc.Culprit[:7]) || !strings.Contains(out.String(), "scripted") || !strings.Contains(out.String(), "tokens") {
		t.Errorf("agent output lacks the culprit or the model footer:\n%s", out.String())
	}
	// A server of one's own (here a base URL) is sent max_tokens, the
	// field Ollama and LM Studio read; never its successor, which they
	// ignore.
	for _, r := range srv.Requests() {
		var body map[string]any
		if err := json.Unmarshal(r.Raw, &body); err != nil {
			t.Fatal(err)
		}
		if _, ok := body["max_tokens"]; !ok || body["max_completion_tokens"] != nil {
			t.Fatalf("request caps output with %v / %v, want max_tokens only", body["max_tokens"], body["max_completion_tokens"])
		}
	}

	// Without an LLM, agent mode is a usage error, and auto means playbook.
	_, _, err = runWattson(t, append(args[:1:1], append([]string{"--mode", "agent"}, args[3:]...)...)...)
	var u *usageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "needs an LLM") {
		t.Errorf("agent mode without an LLM: %v", err)
	}
}

func TestInvestigatorWithAgentKeepsSkillVerdict(t *testing.T) {
	sc := skillstest.Build(t, false)
	srv := agenttest.NewServer().Then(agenttest.Auto())
	defer srv.Close()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "w.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := defaultConfig()
	cfg.LLM.BaseURL, cfg.LLM.Model = srv.URL, "scripted"
	cfg.Services = []serviceConfig{{Name: sc.Service, Repo: sc.RepoDir, Profiles: sc.ProfilesDir,
		Deploys: sc.DeploysFile, Metrics: []string{sc.CPUFile, sc.BuildInfo}}}
	f, err := wiredInvestigator(t, cfg, st).Investigate(context.Background(),
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
