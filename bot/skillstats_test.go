package bot_test

import (
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/store"
)

// TestSkillsShowsHitsAndApprovals seeds investigations, proposals and
// opportunities and checks each skill's hits and approval rate.
func TestSkillsShowsHitsAndApprovals(t *testing.T) {
	infos := func() []bot.SkillInfo {
		return []bot.SkillInfo{
			{Name: "profile_diff", Description: "Diffs profiles."},
			{Name: "rank_suspects", Description: "Ranks commits."},
			{Name: "go-regexp-fmt-in-loops", Description: "Regexp and fmt in loops.", Patterns: []string{"regexp-compile-per-call", "fmt-string-building"}},
			{Name: "go-gc-pressure", Description: "GC pressure.", Patterns: []string{"gc-pressure"}},
		}
	}
	f := bottest.New(t, bottest.Options{Skills: infos})
	ctx := t.Context()
	proposal := func(p store.Proposal, status store.ProposalStatus) string {
		t.Helper()
		if err := f.Store.CreateProposal(ctx, &p); err != nil {
			t.Fatal(err)
		}
		p.Status = status
		if err := f.Store.UpdateProposal(ctx, &p); err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	proposal(store.Proposal{Kind: store.ProposalRevert, RegressionID: "R-1", Target: "a"}, store.ProposalMerged)
	proposal(store.Proposal{Kind: store.ProposalRevert, RegressionID: "R-2", Target: "b"}, store.ProposalRejected)
	steps := func(failed ...string) []store.Step {
		s := []store.Step{{Skill: "profile_diff"}, {Skill: "rank_suspects"}}
		for i := range s {
			for _, f := range failed {
				if s[i].Skill == f {
					s[i].Error = "no profile"
				}
			}
		}
		return s
	}
	for _, inv := range []store.Investigation{
		{RegressionID: "R-1", Steps: steps()},
		{RegressionID: "R-2", Steps: steps("profile_diff")},
		{Steps: steps()}, // asked about a service: no proposal
	} {
		if err := f.Store.CreateInvestigation(ctx, &inv); err != nil {
			t.Fatal(err)
		}
	}
	fixA := proposal(store.Proposal{Kind: store.ProposalFix, Target: "f"}, store.ProposalApproved)
	fixB := proposal(store.Proposal{Kind: store.ProposalFix, Target: "g"}, store.ProposalProposed)
	for i, opp := range []store.Opportunity{
		{Pattern: "regexp-compile-per-call", Function: "f", ProposalID: fixA},
		{Pattern: "fmt-string-building", Function: "g", ProposalID: fixB},
		{Pattern: "unknown-pattern", Function: "h"},
	} {
		opp.Fingerprint, opp.Service = "fp"+string(rune('a'+i)), "checkout"
		if _, err := f.Store.CreateOpportunityIfNew(ctx, &opp); err != nil {
			t.Fatal(err)
		}
	}

	stats, err := bot.SkillStatsOf(f.Bot, ctx, infos())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bot.SkillStats{
		"profile_diff":           {Hits: 2, Approved: 1, Decided: 1},
		"rank_suspects":          {Hits: 3, Approved: 1, Decided: 2},
		"go-regexp-fmt-in-loops": {Hits: 2, Approved: 1, Decided: 1},
	}
	for name, w := range want {
		if stats[name] != w {
			t.Errorf("%s: %+v, want %+v", name, stats[name], w)
		}
	}
	if s := stats["go-gc-pressure"]; s.Hits != 0 {
		t.Errorf("go-gc-pressure: %+v, want no hits", s)
	}
	m := f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", User: "U1", Text: "skills"})
	for _, line := range []string{
		"3 hits, 1 of 2 decided proposals approved (50%)",
		"2 hits, 1 of 1 decided proposals approved (100%)",
		"0 hits, no decided proposals yet",
	} {
		if !strings.Contains(m.Text, line) {
			t.Errorf("skills message lacks %q:\n%s", line, m.Text)
		}
	}
}
