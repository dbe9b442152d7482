package agent

import (
	"fmt"
	"strings"

	"github.com/wattson-dev/wattson/skills"
)

// Mode says how a result was reached.
type Mode string

// The modes.
const (
	// ModeAgent: the model contributed to the result.
	ModeAgent Mode = "agent"
	// ModePlaybook: the result is the deterministic playbook's alone.
	ModePlaybook Mode = "playbook"
)

// Result is what one investigation or conversation found.
type Result struct {
	// Mode is agent when the model's answer is part of the result.
	Mode Mode `json:"mode"`
	// Investigation is the playbook's result. Its verdict comes from skill
	// evidence only; the model never changes it.
	Investigation skills.Investigation `json:"investigation"`
	// Run is the playbook run (empty for a question that ran none).
	Run skills.Run `json:"run"`
	// ToolSteps are the skills the model called, ids t1, t2, ...
	ToolSteps []skills.StepRecord `json:"tool_steps,omitempty"`
	// Facts are statements backed by skill output.
	Facts []Fact `json:"facts"`
	// Hypotheses are what the model proposed without skill evidence.
	Hypotheses []Hypothesis `json:"hypotheses,omitempty"`
	// Answer is the model's explanation for the channel.
	Answer string `json:"answer,omitempty"`
	// FixDraft is the model's draft of a fix, for a human to review.
	FixDraft string `json:"fix_draft,omitempty"`
	// Suggestions are reverts or fixes the model suggested. Nothing was
	// done about them; a human decides.
	Suggestions []Suggestion `json:"suggestions,omitempty"`
	// Usage counts the model calls and tokens.
	Usage Usage `json:"usage"`
	// Notes say which limits stopped the run, and why it fell back to the
	// playbook, in words for the channel.
	Notes []string `json:"notes,omitempty"`
}

// Fact is a statement that skill output supports.
type Fact struct {
	// Text is the statement.
	Text string `json:"text"`
	// Steps are the ids of the supporting steps (s1.. playbook, t1.. tool
	// calls); Evidence their summaries.
	Steps    []string `json:"steps"`
	Evidence []string `json:"evidence"`
}

// Hypothesis is a statement no skill output supports (yet).
type Hypothesis struct {
	// Text is the statement.
	Text string `json:"text"`
	// Commit is set when the hypothesis names a suspect commit.
	Commit string `json:"commit,omitempty"`
	// Why says why it is not a fact.
	Why string `json:"why"`
}

// Suggestion is a revert or fix the model suggested.
type Suggestion struct {
	// Kind is revert or fix.
	Kind string `json:"kind"`
	// Commit is the change to revert or fix.
	Commit string `json:"commit,omitempty"`
	// Reason is the model's.
	Reason string `json:"reason,omitempty"`
	// Supported is true when the playbook's verdict names the same commit
	// as the culprit; only then should a proposal be offered for approval.
	Supported bool `json:"supported"`
}

// Usage is the model use of one run.
type Usage struct {
	// Model is the model name.
	Model string `json:"model"`
	// Calls is how many requests were sent; Failed how many got no answer.
	Calls  int `json:"calls"`
	Failed int `json:"failed,omitempty"`
	// Tokens as the server reported them.
	PromptTokens     int64 `json:"prompt_tokens"`
	CompletionTokens int64 `json:"completion_tokens"`
	TotalTokens      int64 `json:"total_tokens"`
	// Budget is the run's token budget.
	Budget int `json:"budget"`
}

// Footer is the line every chat message that used the model ends with:
// model, calls and tokens. It is empty when no model call was made.
func (r Result) Footer() string { return r.Usage.Footer() }

// Footer renders the usage; empty when no call was made.
func (u Usage) Footer() string {
	if u.Calls == 0 {
		return ""
	}
	calls := fmt.Sprintf("%d call", u.Calls)
	if u.Calls != 1 {
		calls += "s"
	}
	if u.Failed > 0 {
		calls += fmt.Sprintf(" (%d failed)", u.Failed)
	}
	return fmt.Sprintf("model %s · %s · %s tokens (%s prompt + %s completion) of %s budget",
		u.Model, calls, thousands(u.TotalTokens), thousands(u.PromptTokens), thousands(u.CompletionTokens), thousands(int64(u.Budget)))
}

// thousands formats n with comma separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
