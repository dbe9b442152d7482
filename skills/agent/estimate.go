package agent

import (
	"fmt"

	"github.com/wattson-dev/wattson/prompts"
	"github.com/wattson-dev/wattson/skills"
)

// Assumptions of the estimate: a conversational run typically makes this
// many model calls, and each tool result adds about this many tokens to
// every later call.
const (
	typicalCalls      = 4
	tokensPerToolTurn = 500
)

// Estimate is the expected token use of a conversational run, shown before
// it starts.
type Estimate struct {
	// Tokens is the expected total; Calls the model calls it assumes.
	Tokens int `json:"tokens"`
	Calls  int `json:"calls"`
	// Budget is the hard limit the run stops at.
	Budget int `json:"budget"`
	// Model is the model that will be asked.
	Model string `json:"model"`
}

// String renders the estimate for chat.
func (e Estimate) String() string {
	return fmt.Sprintf("This question will use about %s tokens of %s (%d model calls, budget %s tokens).",
		roundK(e.Tokens), e.Model, e.Calls, roundK(e.Budget))
}

// roundK renders a token count as "6.2k".
func roundK(n int) string {
	if n < 1000 {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%.1fk", float64(n)/1000)
}

// EstimateAsk estimates what Ask(question, run) will use: the first
// request measured from the actual prompts and tools, each later call
// re-sending it with one more tool result, and a full completion per call,
// capped at the budget.
func (a *Agent) EstimateAsk(question string, run *skills.Run) (Estimate, error) {
	var c *prompts.Case
	if run != nil {
		pc := caseOf(*run, skills.Summarize(*run))
		c = &pc
	}
	user, err := prompts.Question(prompts.QuestionData{Question: question, Case: c})
	if err != nil {
		return Estimate{}, err
	}
	s, err := a.start(user, true)
	if err != nil {
		return Estimate{}, err
	}
	calls := min(typicalCalls, a.cfg.MaxSteps)
	base, total := s.promptEstimate(), 0
	for i := range calls {
		total += base + i*tokensPerToolTurn + a.cfg.MaxOutputTokens/2
	}
	return Estimate{Tokens: min(total, a.cfg.TokenBudget), Calls: calls, Budget: a.cfg.TokenBudget, Model: a.cfg.Model}, nil
}
