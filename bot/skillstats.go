package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/wattson-dev/wattson/store"
)

// statsScan bounds how many recent records of each kind /wattson skills
// counts over.
const statsScan = 2000

// SkillStats is how often a skill's findings came up and how people
// decided on what they led to.
type SkillStats struct {
	// Hits counts investigations where the skill succeeded, or, for a
	// library skill, opportunities found by its patterns.
	Hits int
	// Approved counts the decided proposals that followed a hit and were
	// approved or merged; Decided also counts the rejected and rolled
	// back ones.
	Approved, Decided int
}

// verdict reports whether a proposal status is a decision, and whether an
// approving one.
func verdict(s store.ProposalStatus) (decided, approved bool) {
	switch s {
	case store.ProposalApproved, store.ProposalMerged:
		return true, true
	case store.ProposalRejected, store.ProposalRolledBack:
		return true, false
	}
	return false, false
}

// skillStats counts, over the recent records, each skill's hits and the
// decisions on the proposals that followed: an investigation step counts
// for its skill, with the proposals of the regression investigated; an
// opportunity counts for the library skill owning its pattern, with its
// fix proposal.
func (b *Bot) skillStats(ctx context.Context, infos []SkillInfo) (map[string]SkillStats, error) {
	opts := store.ListOptions{Limit: statsScan}
	invs, err := b.c.Store.ListInvestigations(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("skill stats: %w", err)
	}
	props, err := b.c.Store.ListProposals(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("skill stats: %w", err)
	}
	opps, err := b.c.Store.ListOpportunities(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("skill stats: %w", err)
	}
	byRegression := map[string][]store.ProposalStatus{}
	byID := map[string]store.ProposalStatus{}
	for _, p := range props {
		byID[p.ID] = p.Status
		if p.RegressionID != "" {
			byRegression[p.RegressionID] = append(byRegression[p.RegressionID], p.Status)
		}
	}
	out := map[string]SkillStats{}
	count := func(skill string, statuses ...store.ProposalStatus) {
		s := out[skill]
		s.Hits++
		for _, st := range statuses {
			if decided, approved := verdict(st); decided {
				s.Decided++
				if approved {
					s.Approved++
				}
			}
		}
		out[skill] = s
	}
	for _, inv := range invs {
		seen := map[string]bool{}
		for _, st := range inv.Steps {
			if st.Error == "" && !seen[st.Skill] {
				seen[st.Skill] = true
				count(st.Skill, byRegression[inv.RegressionID]...)
			}
		}
	}
	owner := map[string]string{}
	for _, info := range infos {
		for _, p := range info.Patterns {
			owner[p] = info.Name
		}
	}
	for _, o := range opps {
		skill, ok := owner[o.Pattern]
		if !ok {
			continue
		}
		var statuses []store.ProposalStatus
		if st, ok := byID[o.ProposalID]; ok {
			statuses = append(statuses, st)
		}
		count(skill, statuses...)
	}
	return out, nil
}

// skills lists the skills with their hits and approval rates.
func (b *Bot) skills(ctx context.Context) (Message, error) {
	if b.o.Skills == nil {
		return Message{Text: "No skills are loaded.", Private: true}, nil
	}
	infos := b.o.Skills()
	stats, err := b.skillStats(ctx, infos)
	if err != nil {
		return Message{}, err
	}
	var lines []string
	for _, s := range infos {
		lines = append(lines, fmt.Sprintf("`%s` — %s\n    %s", s.Name, s.Description, statsLine(stats[s.Name])))
	}
	slices.Sort(lines)
	return Message{Title: "Skills", Text: strings.Join(lines, "\n"), Private: true,
		Footer: fmt.Sprintf("Hits: investigations where the skill succeeded, or opportunities its patterns found (last %d records).", statsScan)}, nil
}

// statsLine renders one skill's numbers.
func statsLine(s SkillStats) string {
	line := fmt.Sprintf("%d hits", s.Hits)
	if s.Hits == 1 {
		line = "1 hit"
	}
	if s.Decided == 0 {
		return line + ", no decided proposals yet"
	}
	return fmt.Sprintf("%s, %d of %d decided proposals approved (%.0f%%)", line, s.Approved, s.Decided, 100*float64(s.Approved)/float64(s.Decided))
}
