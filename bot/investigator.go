package bot

import (
	"context"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// Investigator runs an investigation — a playbook or the LLM agent over the
// skills — and reports its findings. The bot owns the records: it stores the
// Investigation before and after, stores the proposals, and shows them.
type Investigator interface {
	// Investigate answers q. progress may be called with each step as
	// it finishes; the bot shows them, ticked or crossed, in one edited
	// message.
	Investigate(ctx context.Context, q Question, progress func(Progress)) (Findings, error)
}

// Progress is one finished step of an investigation, as its progress
// message shows it.
type Progress struct {
	// Text is a one-line summary ("deploys_in_window: 3 deploys"), or
	// the step's error when it failed.
	Text string
	// Failed says the step failed.
	Failed bool
}

// Question is what an investigation is asked: a regression by id, or a
// service (and maybe a metric) since a time.
type Question struct {
	// RegressionID is the regression investigated, when known.
	RegressionID string `json:"regression_id,omitempty"`
	// Service, Metric and Since narrow a question asked without an id.
	Service string    `json:"service,omitempty"`
	Metric  string    `json:"metric,omitempty"`
	Since   time.Time `json:"since,omitzero"`
	// Text is the user's own words, for an agent; empty for commands.
	Text string `json:"text,omitempty"`
	// Trigger is what started it: alert, command or conversation.
	Trigger store.Trigger `json:"trigger"`
	// InvestigationID is the stored investigation record this run fills.
	InvestigationID string `json:"investigation_id,omitempty"`
}

// Findings are the results of an investigation.
type Findings struct {
	// Mode is playbook or agent.
	Mode store.Mode
	// Steps are the skills run, in order.
	Steps []store.Step
	// Suspects are the likely causes, best first.
	Suspects []store.Suspect
	// Verdict is the one-paragraph conclusion.
	Verdict string
	// TokensUsed and Cost account for LLM use (agent mode).
	TokensUsed int
	Cost       float64
	// Cores is the regression's estimated extra CPU cores, when the
	// investigation measured it; the alert shows it from then on.
	Cores float64
	// Proposals are the reverts or fixes offered, not yet stored; the bot
	// stores them (setting ID and Version) and shows them for approval.
	Proposals []store.Proposal
}

// SkillInfo describes one skill for /wattson skills.
type SkillInfo struct {
	// Name is the skill's name, such as "profile_diff".
	Name string
	// Description is its one-sentence description.
	Description string
	// Patterns are the opportunity patterns a skill-library skill
	// defines; its hits are the opportunities they found.
	Patterns []string
}
