package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
)

func TestResolveMode(t *testing.T) {
	llm := defaultConfig()
	llm.LLM.BaseURL = "http://localhost:11434/v1"
	none := defaultConfig()
	tests := []struct {
		mode string
		cfg  config
		want string
		err  string
	}{
		{"auto", none, modePlaybook, ""},
		{"auto", llm, modeAgent, ""},
		{"", none, modePlaybook, ""},
		{"playbook", llm, modePlaybook, ""},
		{"agent", llm, modeAgent, ""},
		{"agent", none, "", "needs an LLM"},
		{"smart", llm, "", "must be agent, playbook or auto"},
	}
	for _, tc := range tests {
		got, err := resolveMode(tc.mode, tc.cfg)
		if got != tc.want || (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("resolveMode(%q) = %q, %v; want %q, %q", tc.mode, got, err, tc.want, tc.err)
		}
	}
}

func TestNoLLMMeansNoAgent(t *testing.T) {
	if a := newAgent(defaultConfig(), skills.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now); a != nil {
		t.Fatal("an agent without base URL or key")
	}
	cfg := defaultConfig()
	cfg.LLM.APIKey = "sk-test"
	a := newAgent(cfg, skills.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if a == nil || a.Config().Model != "gpt-4o-mini" || a.Config().TokenBudget != 60000 || a.Config().LegacyMaxTokens {
		t.Fatalf("agent %+v: want OpenAI's defaults (gpt-4o-mini, max_completion_tokens)", a)
	}
}

func TestLoadGuidesReportsBadSkills(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"go-lock-contention/SKILL.md": "---\nname: go-lock-contention\ndescription: Our own version.\n---\nShard it.\n",
		"Broken/SKILL.md":             "---\nname: Broken\ndescription: d\n---\nbody\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lib, probs := loadGuides(dir)
	if len(probs) != 1 || !strings.Contains(probs[0].Error(), "Broken/SKILL.md") {
		t.Fatalf("problems %v", probs)
	}
	if s, _ := lib.Get("go-lock-contention"); s.Description != "Our own version." {
		t.Errorf("skills.dir did not override the built-in: %+v", s)
	}
	if len(lib.List()) < 4 {
		t.Errorf("built-ins lost: %d skills", len(lib.List()))
	}
}
