package main

import (
	"log/slog"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/agent"
	"github.com/wattson-dev/wattson/skills/skillmd"
)

// Investigation modes of --mode.
const (
	modePlaybook = "playbook"
	modeAgent    = "agent"
	modeAuto     = "auto"
)

// resolveMode turns --mode into playbook or agent: auto means agent when
// an LLM is configured (llm.base_url or llm.api_key) and playbook
// otherwise; agent without an LLM is a usage error.
func resolveMode(mode string, cfg config) (string, error) {
	switch mode {
	case modePlaybook:
		return modePlaybook, nil
	case modeAgent:
		if !cfg.llmEnabled() {
			return "", usageErrorf("--mode agent needs an LLM: set llm.base_url or llm.api_key (or OPENAI_BASE_URL / OPENAI_API_KEY)")
		}
		return modeAgent, nil
	case modeAuto, "":
		if cfg.llmEnabled() {
			return modeAgent, nil
		}
		return modePlaybook, nil
	}
	return "", usageErrorf("--mode must be agent, playbook or auto, not %q", mode)
}

// newAgent builds the LLM agent over reg from cfg, offering the skills of
// guides (the skill library loaded at start-up); nil when no LLM is
// configured (playbook mode, not an error). It does no I/O.
func newAgent(cfg config, reg *skills.Registry, guides *skillmd.Library, log *slog.Logger, now func() time.Time) *agent.Agent {
	if !cfg.llmEnabled() {
		return nil
	}
	client := agent.NewClient(cfg.LLM.BaseURL, string(cfg.LLM.APIKey), 1, nil)
	return agent.New(client, reg, guides, log, now, agentConfig(cfg))
}

// agentConfig maps the llm.* keys to the agent's limits.
func agentConfig(cfg config) agent.Config {
	model := cfg.LLM.Model
	if model == "" {
		model = "gpt-4o-mini"
	}
	// A base URL means a server other than OpenAI's own (Ollama, vLLM,
	// llama.cpp, LM Studio, Azure): they all read max_tokens, and not all
	// read its successor.
	return agent.Config{Model: model, MaxSteps: cfg.LLM.MaxSteps, TokenBudget: cfg.LLM.TokenBudget, ToolTimeout: cfg.LLM.ToolTimeout,
		LegacyMaxTokens: cfg.LLM.BaseURL != ""}
}
