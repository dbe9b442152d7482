package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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
		r, err := b.regression(ctx, id)
		if err != nil {
			return Message{}, err
		}
		m = AlertMessage(*r, 0, 0, nil)
		m.Buttons = nil
	case store.KindProposal:
		p, err := b.proposal(ctx, id)
		if err != nil {
			return Message{}, err
		}
		m = ProposalMessage(*p)
		m.Buttons = nil
	case store.KindInvestigation:
		inv, err := b.o.Store.GetInvestigation(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return Message{}, userErrorf("There is no investigation %s.", id)
		}
		if err != nil {
			return Message{}, fmt.Errorf("get investigation %s: %w", id, err)
		}
		m = FindingsMessage(*inv)
		m.Title = fmt.Sprintf("Investigation %s: %s", inv.ID, inv.Status)
	default:
		o, err := b.o.Store.GetOpportunity(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return Message{}, userErrorf("There is no opportunity %s.", id)
		}
		if err != nil {
			return Message{}, fmt.Errorf("get opportunity %s: %w", id, err)
		}
		m = Message{Title: fmt.Sprintf("Opportunity %s: %s in %s", o.ID, o.Pattern, o.Function),
			Text:   o.Suggestion,
			Fields: []Field{{"Saves", fmt.Sprintf("%s cores ≈ %s W", num(o.Cores), num(o.Watts))}, {"Status", string(o.Status)}}}
	}
	evs, err := b.o.Store.ListAudit(ctx, id, 5)
	if err != nil {
		return Message{}, fmt.Errorf("list audit of %s: %w", id, err)
	}
	var trail []string
	for _, e := range evs {
		line := fmt.Sprintf("%s %s by %s", e.At.UTC().Format(timeLayout), e.Action, e.Actor)
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

// list shows open regressions and proposals awaiting a decision.
func (b *Bot) list(ctx context.Context) (Message, error) {
	rs, err := b.o.Store.ListRegressions(ctx, store.ListOptions{Limit: 500})
	if err != nil {
		return Message{}, fmt.Errorf("list regressions: %w", err)
	}
	ps, err := b.o.Store.ListProposals(ctx, store.ListOptions{Status: string(store.ProposalProposed), Limit: 50})
	if err != nil {
		return Message{}, fmt.Errorf("list proposals: %w", err)
	}
	var lines []string
	for _, r := range rs {
		if open(r.Status) {
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

// digest summarises the last week for the channel the user is in (all
// channels when the user is elsewhere): regressions caught and how fast
// people decided, savings, open proposals, and found by bot versus people.
func (b *Bot) digest(ctx context.Context, ev Event) (Message, error) {
	since := b.now().Add(-7 * 24 * time.Hour)
	rs, err := b.o.Store.ListRegressions(ctx, store.ListOptions{})
	if err != nil {
		return Message{}, fmt.Errorf("digest: %w", err)
	}
	inChannel := func(ch string) bool {
		_, c := splitTarget(ch, "")
		c = strings.TrimPrefix(c, "#")
		return c == ev.Channel || (ev.ChannelName != "" && strings.EqualFold(c, ev.ChannelName))
	}
	mine := false
	for _, r := range rs {
		mine = mine || inChannel(r.Channel)
	}
	var caught, resolved, dismissed int
	for _, r := range rs {
		if r.DetectedAt.Before(since) || (mine && !inChannel(r.Channel)) {
			continue
		}
		caught++
		switch r.Status {
		case store.RegressionResolved, store.RegressionMitigating:
			resolved++
		case store.RegressionDismissed:
			dismissed++
		}
	}
	invs, err := b.o.Store.ListInvestigations(ctx, store.ListOptions{Limit: 1000})
	if err != nil {
		return Message{}, fmt.Errorf("digest: %w", err)
	}
	byBot, byPeople := 0, 0
	for _, inv := range invs {
		if inv.StartedAt.Before(since) {
			continue
		}
		if inv.Trigger == store.TriggerAlert {
			byBot++
		} else {
			byPeople++
		}
	}
	ps, err := b.o.Store.ListProposals(ctx, store.ListOptions{Status: string(store.ProposalProposed)})
	if err != nil {
		return Message{}, fmt.Errorf("digest: %w", err)
	}
	os, err := b.o.Store.ListOpportunities(ctx, store.ListOptions{})
	if err != nil {
		return Message{}, fmt.Errorf("digest: %w", err)
	}
	var cores, watts float64
	for _, o := range os {
		if o.Status == store.OpportunityFixed {
			cores, watts = cores+o.Cores, watts+o.Watts
		}
	}
	scope := "all channels"
	if mine {
		scope = "this channel"
	}
	return Message{
		Title: "Wattson digest — last 7 days, " + scope,
		Fields: []Field{
			{"Regressions caught", fmt.Sprintf("%d (%d mitigated or resolved, %d dismissed)", caught, resolved, dismissed)},
			{"Investigations", fmt.Sprintf("%d started by alerts, %d asked for by people", byBot, byPeople)},
			{"Open proposals", fmt.Sprintf("%d awaiting approval", len(ps))},
			{"Savings from fixes", fmt.Sprintf("%s cores ≈ %s W", num(cores), num(watts))},
		},
	}, nil
}

// skills lists the investigation skills.
func (b *Bot) skills() Message {
	if b.o.Skills == nil {
		return Message{Text: "No skills are loaded.", Private: true}
	}
	var lines []string
	for _, s := range b.o.Skills() {
		lines = append(lines, fmt.Sprintf("`%s` — %s", s.Name, s.Description))
	}
	return Message{Title: "Skills", Text: strings.Join(lines, "\n"), Private: true}
}
