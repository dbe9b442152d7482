package investigator

import (
	"fmt"
	"strings"

	"github.com/wattson-dev/wattson/skills/agent"
	"github.com/wattson-dev/wattson/store"
)

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
