package main

import (
	"io"
	"log/slog"
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
	if a := newAgent(defaultConfig(), skills.NewRegistry(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now); a != nil {
		t.Fatal("an agent without base URL or key")
	}
	cfg := defaultConfig()
	cfg.LLM.APIKey = "sk-test"
	a := newAgent(cfg, skills.NewRegistry(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if a == nil || a.Config().Model != "gpt-4o-mini" || a.Config().TokenBudget != 60000 || a.Config().LegacyMaxTokens {
		t.Fatalf("agent %+v: want OpenAI's defaults (gpt-4o-mini, max_completion_tokens)", a)
	}
}
