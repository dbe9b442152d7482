// Package agent adds a language model on top of Wattson's deterministic
// playbooks: the registry's read-only skills become tools of an
// OpenAI-compatible Chat Completions API (OpenAI, Azure OpenAI, Ollama,
// vLLM, llama.cpp server), called through openai-go.
//
// The playbook always runs first. The model is called only where it adds
// something: a conclusive result gets one explanation (and, for a culprit,
// a fix draft) without tools; an inconclusive one gets a bounded tool loop;
// a question from chat gets the loop with the playbook's result as context.
// Every run is bounded by a number of model turns, a per-tool timeout and a
// token budget, and a repeated identical tool call is refused. When the
// model fails or the budget runs out the result is the playbook's, and it
// says so.
//
// The model never changes anything: skills that are not read-only are not
// offered as tools and are refused if called; the model can only suggest a
// revert or fix, which a human approves elsewhere. Facts in a result are
// skill outputs; whatever the model adds without a skill behind it is a
// hypothesis, and the playbook's verdict is never replaced by the model's.
package agent

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/skillmd"
)

// Defaults for the zero fields of Config.
const (
	DefaultMaxSteps        = 12
	DefaultTokenBudget     = 60000
	DefaultToolTimeout     = 30 * time.Second
	DefaultMaxOutputTokens = 700
)

// Config bounds the agent.
type Config struct {
	// Model is the model name sent to the server, e.g. "gpt-4o-mini" or
	// "qwen2.5:14b".
	Model string
	// MaxSteps is the most model calls one run may make.
	MaxSteps int
	// TokenBudget is the most tokens (prompt + completion, as the server
	// counts them) one run may use.
	TokenBudget int
	// ToolTimeout bounds each tool call.
	ToolTimeout time.Duration
	// MaxOutputTokens caps each completion.
	MaxOutputTokens int
	// LegacyMaxTokens sends the cap as max_tokens instead of
	// max_completion_tokens. OpenAI deprecated max_tokens (its reasoning
	// models refuse it), but Ollama and LM Studio read only max_tokens
	// and silently ignore the newer field, leaving completions uncapped.
	LegacyMaxTokens bool
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.MaxSteps <= 0 {
		c.MaxSteps = DefaultMaxSteps
	}
	if c.TokenBudget <= 0 {
		c.TokenBudget = DefaultTokenBudget
	}
	if c.ToolTimeout <= 0 {
		c.ToolTimeout = DefaultToolTimeout
	}
	if c.MaxOutputTokens <= 0 {
		c.MaxOutputTokens = DefaultMaxOutputTokens
	}
	return c
}

// Agent runs investigations and conversations with a model. It is safe for
// concurrent use; each run keeps its own state.
type Agent struct {
	chat   openai.ChatCompletionService
	reg    *skills.Registry
	runner *skills.Runner
	lib    *skillmd.Library
	log    *slog.Logger
	now    func() time.Time
	cfg    Config
}

// New returns an agent that calls the model through client, offers the
// read-only skills of reg as tools and the skills of lib (which may be nil)
// as guides. It does no I/O.
func New(client openai.Client, reg *skills.Registry, lib *skillmd.Library, log *slog.Logger, now func() time.Time, cfg Config) *Agent {
	cfg = cfg.withDefaults()
	return &Agent{
		chat:   client.Chat.Completions,
		reg:    reg,
		runner: skills.NewRunner(reg, log, now, cfg.ToolTimeout),
		lib:    lib,
		log:    log.With("component", "agent", "model", cfg.Model),
		now:    now,
		cfg:    cfg,
	}
}

// NewClient returns an openai-go client for an OpenAI-compatible server at
// baseURL ("" means OpenAI's) with apiKey (may be empty for local servers).
// retries is how often a failed request is retried; hc may be nil. It does
// no I/O.
func NewClient(baseURL, apiKey string, retries int, hc *http.Client) openai.Client {
	opts := []option.RequestOption{option.WithMaxRetries(retries)}
	if baseURL != "" {
		opts = append(opts, option.WithBaseURL(baseURL))
	}
	if apiKey != "" {
		opts = append(opts, option.WithAPIKey(apiKey))
	}
	if hc != nil {
		opts = append(opts, option.WithHTTPClient(hc))
	}
	return openai.NewClient(opts...)
}

// Config returns the agent's limits, defaults filled in.
func (a *Agent) Config() Config { return a.cfg }
