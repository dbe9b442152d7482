package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wattson-dev/wattson/store"
)

// status shows one record with its recent audit trail, or what is open.
func (b *Bot) status(ctx context.Context, id string) (Message, error) {
	if id == "" {
		return b.list(ctx)
	}
	k, _, _ := store.ParseID(id)
	var m Message
	switch k {
	case store.KindRegression:
		r, err := b.c.Regression(ctx, id)
		if err != nil {
			return Message{}, err
		}
		m = AlertMessage(*r, b.c.DescribeRegression(*r), 0, 0, nil)
		m.Buttons = nil
	case store.KindProposal:
		p, err := b.c.Proposal(ctx, id)
		if err != nil {
			return Message{}, err
		}
		m = ProposalMessage(*p)
		m.Buttons = nil
	case store.KindInvestigation:
		inv, err := b.c.Store.GetInvestigation(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return Message{}, userErrorf("There is no investigation %s.", id)
		}
		if err != nil {
			return Message{}, fmt.Errorf("get investigation %s: %w", id, err)
		}
		m = FindingsMessage(*inv)
		m.Title = fmt.Sprintf("Investigation %s: %s, started by %s", inv.ID, inv.Status, inv.Trigger)
	default:
		o, err := b.c.Store.GetOpportunity(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return Message{}, userErrorf("There is no opportunity %s.", id)
		}
		if err != nil {
			return Message{}, fmt.Errorf("get opportunity %s: %w", id, err)
		}
		m = Message{Title: fmt.Sprintf("Opportunity %s: %s in %s", o.ID, o.Pattern, o.Function),
			Text:   o.Suggestion,
			Fields: []Field{{"Saves", Cost(o.Cores, o.Watts)}, {"Status", string(o.Status)}}}
	}
	evs, err := b.c.Store.ListAudit(ctx, id, 5)
	if err != nil {
		return Message{}, fmt.Errorf("list audit of %s: %w", id, err)
	}
	var trail []string
	for _, e := range evs {
		line := fmt.Sprintf("%s %s by %s", e.At.UTC().Format(TimeLayout), e.Action, e.Actor)
		if !e.Allowed {
			line += " (refused)"
		}
		if e.Detail != "" {
			line += " — " + e.Detail
		}
		trail = append(trail, line)
	}
	if len(trail) > 0 {
		m.Fields = append(m.Fields, Field{"History", strings.Join(trail, "\n")})
	}
	m.Private = true
	return m, nil
}

// list shows every regression not resolved or dismissed, and the
// proposals awaiting a decision.
func (b *Bot) list(ctx context.Context) (Message, error) {
	rs, err := b.c.Store.ListRegressions(ctx, store.ListOptions{Limit: 500})
	if err != nil {
		return Message{}, fmt.Errorf("list regressions: %w", err)
	}
	ps, err := b.c.Store.ListProposals(ctx, store.ListOptions{Status: string(store.ProposalProposed), Limit: 50})
	if err != nil {
		return Message{}, fmt.Errorf("list proposals: %w", err)
	}
	var lines []string
	for _, r := range rs {
		if r.Status != store.RegressionResolved && r.Status != store.RegressionDismissed {
			lines = append(lines, fmt.Sprintf("`%s` %s %s %+.1f%% — %s", r.ID, r.Service, r.Metric, r.Pct, r.Status))
		}
	}
	for _, p := range ps {
		lines = append(lines, fmt.Sprintf("`%s` %s (v%d) — awaiting approval", p.ID, p.Title, p.Version))
	}
	m := Message{Title: "Open regressions and proposals", Text: strings.Join(lines, "\n"), Private: true}
	if len(lines) == 0 {
		m.Text = "Nothing open. 🎉"
	}
	return m, nil
}
