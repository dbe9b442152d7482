package main

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/agent"
	"github.com/wattson-dev/wattson/skills/library"
	"github.com/wattson-dev/wattson/skills/skillmd"
	"github.com/wattson-dev/wattson/store"
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

// loadGuides loads the built-in SKILL.md skills and those in dir (which
// replace built-ins of the same name). Bad skills are left out and
// returned, for a warning at start-up.
func loadGuides(dir string) (*skillmd.Library, []skillmd.Problem) {
	lib, probs := skillmd.Load(library.FS(), ".", "built-in")
	if dir == "" {
		return lib, probs
	}
	own, more := skillmd.LoadDir(dir)
	return lib.Merge(own), append(probs, more...)
}

// newAgent builds the LLM agent over reg from cfg; nil when no LLM is
// configured (playbook mode, not an error). Bad SKILL.md skills are logged
// as warnings and left out. It does no I/O besides reading the skills.
func newAgent(cfg config, reg *skills.Registry, log *slog.Logger, now func() time.Time) *agent.Agent {
	if !cfg.llmEnabled() {
		return nil
	}
	guides, probs := loadGuides(cfg.Skills.Dir)
	for _, p := range probs {
		log.Warn("skill left out", "path", p.Path, "err", p.Err)
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

// agentMessage is the text a chat thread shows for an agent result: the
// answer, the hypotheses marked as such, the notes and the footer. Facts and
// suspects are rendered by the bot from the investigation itself.
func agentMessage(res agent.Result) string {
	var b strings.Builder
	if res.Answer != "" {
		b.WriteString(res.Answer + "\n")
	}
	if res.FixDraft != "" {
		fmt.Fprintf(&b, "Fix draft (for review): %s\n", res.FixDraft)
	}
	for _, h := range res.Hypotheses {
		fmt.Fprintf(&b, "Hypothesis: %s (%s)\n", h.Text, h.Why)
	}
	for _, n := range res.Notes {
		b.WriteString(n + "\n")
	}
	if f := res.Footer(); f != "" {
		b.WriteString("— " + f + "\n")
	}
	return strings.TrimSpace(b.String())
}

// agentProposals are the suggestions the evidence supports, as proposals
// for a human to approve; unsupported ones are dropped (they are shown as
// hypotheses).
func agentProposals(res agent.Result, regressionID string) []store.Proposal {
	var out []store.Proposal
	for _, s := range res.Suggestions {
		if !s.Supported {
			continue
		}
		kind := store.ProposalRevert
		if s.Kind == "fix" {
			kind = store.ProposalFix
		}
		out = append(out, store.Proposal{Kind: kind, RegressionID: regressionID, Target: s.Commit, Status: store.ProposalProposed, Reason: s.Reason})
	}
	return out
}
