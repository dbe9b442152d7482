package agent

import (
	"context"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/agent/agenttest"
)

// maxTokensPerInvestigation is the goal of issue 8 for one regression
// investigation.
const maxTokensPerInvestigation = 10000

// TestTokensPerInvestigation measures token use against a scripted server
// that counts four bytes of request JSON a token (an overestimate for real
// tokenizers) and reports it.
func TestTokensPerInvestigation(t *testing.T) {
	explanation := strings.Repeat("pricing.Quote compiles a regexp per discount rule since 9f8e7d6 [s3]. ", 8) + "\nFix idea: compile once in NewPricer."
	cases := []struct {
		name    string
		verdict skills.Verdict
		turns   []agenttest.Turn
	}{
		{"culprit: explanation and fix draft", skills.VerdictCulprit, []agenttest.Turn{
			agenttest.Measured(agenttest.Reply{Content: explanation}),
		}},
		{"inconclusive: two tool calls and conclude", skills.VerdictInconclusive, []agenttest.Turn{
			agenttest.Measured(agenttest.Reply{ToolCalls: []agenttest.ToolCall{agenttest.Call("c1", "list_changes", `{"from":"`+fromSHA+`","to":"`+culpritSHA+`"}`)}}),
			agenttest.Measured(agenttest.Reply{ToolCalls: []agenttest.ToolCall{agenttest.Call("c2", "read_skill", `{"name":"go-regexp"}`)}}),
			agenttest.Measured(agenttest.Reply{ToolCalls: []agenttest.ToolCall{conclude("c3", map[string]any{"answer": explanation, "suspect": culpritSHA, "suggest": "fix", "fix_draft": "compile once"})}}),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, srv, _, pb := setup(t, tc.verdict, Config{}, tc.turns...)
			res := a.Investigate(context.Background(), pb, input())
			if res.Mode != ModeAgent {
				t.Fatalf("mode %s notes %v", res.Mode, res.Notes)
			}
			t.Logf("%s: %d calls, %d tokens (%d prompt + %d completion)", tc.name, res.Usage.Calls, res.Usage.TotalTokens, res.Usage.PromptTokens, res.Usage.CompletionTokens)
			if res.Usage.Calls != len(srv.Requests()) || res.Usage.TotalTokens > maxTokensPerInvestigation {
				t.Errorf("used %d tokens in %d calls; the goal is at most %d", res.Usage.TotalTokens, res.Usage.Calls, maxTokensPerInvestigation)
			}
		})
	}
}
