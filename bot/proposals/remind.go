package proposals

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/periodic"
)

// Reminders. A proposal that has waited Options.RemindAfter for a decision
// (since it was last shown, or since its last reminder) gets a reminder
// in its thread that mentions its approvers, once per wait: the time of
// the reminder is stored on the proposal (RemindedAt) by a versioned
// change that first checks it is still due, so two replicas, or a tick
// run twice, remind once. The job runs every quarter of the wait (at
// least every second, at most every ten minutes), once per tick across
// replicas.

// errNotDue skips a proposal whose reminder is not due (any more).
var errNotDue = errors.New("reminder not due")

// remindJob is the reminders' periodic job; none without RemindAfter.
func (d *Desk) remindJob() []periodic.Job {
	if d.o.RemindAfter <= 0 {
		return nil
	}
	every := min(max(d.o.RemindAfter/4, time.Second), 10*time.Minute)
	return []periodic.Job{{Name: "remind", Spec: "@every " + every.String(), Do: d.Remind}}
}

// Remind posts the reminders that are due.
func (d *Desk) Remind(ctx context.Context, _ time.Time) error {
	if d.o.RemindAfter <= 0 {
		return nil
	}
	ps, err := d.c.Store.ListProposals(ctx, store.ListOptions{Status: string(store.ProposalProposed)})
	if err != nil {
		return fmt.Errorf("list proposals to remind: %w", err)
	}
	for _, p := range ps {
		if err := d.remind(ctx, p.ID); err != nil {
			d.log.WarnContext(ctx, "reminder not sent", "proposal", p.ID, "err", err)
		}
	}
	return nil
}

// waitingSince is when p began its current wait: its last reminder, else
// when it was last shown, else when it was made.
func waitingSince(p store.Proposal) time.Time {
	for _, t := range []time.Time{p.RemindedAt, p.ShownAt} {
		if !t.IsZero() {
			return t
		}
	}
	return p.ProposedAt
}

// remind reminds the approvers of proposal id if it is still undecided
// and its wait is over.
func (d *Desk) remind(ctx context.Context, id string) error {
	now := d.c.Now().UTC()
	var since time.Time
	p, err := store.ChangeProposal(ctx, d.c.Store, id, func(p *store.Proposal) error {
		since = waitingSince(*p)
		if p.Status != store.ProposalProposed || since.IsZero() || now.Sub(since) < d.o.RemindAfter {
			return errNotDue
		}
		p.RemindedAt = now
		return nil
	})
	if errors.Is(err, errNotDue) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remind %s: %w", id, err)
	}
	where, service, err := d.thread(ctx, *p)
	if err != nil {
		return fmt.Errorf("remind %s: %w", id, err)
	}
	if where.MessageID == "" {
		return nil // shown nowhere: nobody to remind
	}
	waited := now.Sub(p.ShownAt)
	if p.ShownAt.IsZero() {
		waited = now.Sub(since)
	}
	d.c.Post(ctx, where, bot.ReminderMessage(*p, waited, d.c.ApproverMentions(where.Platform, where.Channel, service)))
	d.log.InfoContext(ctx, "reminder posted", "proposal", p.ID, "waited", waited.Round(time.Second))
	return nil
}

// thread is where p is discussed, and its service: its regression's
// thread, else its opportunity's, else the thread of its first card.
func (d *Desk) thread(ctx context.Context, p store.Proposal) (store.ThreadRef, string, error) {
	r, err := d.c.ProposalRegression(ctx, p)
	if err != nil {
		return store.ThreadRef{}, "", err
	}
	if r.Thread.MessageID != "" {
		return r.Thread, r.Service, nil
	}
	if p.OpportunityID != "" {
		if o, err := d.c.Store.GetOpportunity(ctx, p.OpportunityID); err == nil && o.Thread.MessageID != "" {
			return o.Thread, o.Service, nil
		}
	}
	if len(p.Cards) > 0 {
		return p.Cards[0], r.Service, nil
	}
	return store.ThreadRef{}, r.Service, nil
}
