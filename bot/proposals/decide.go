package proposals

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// approve approves proposal id as shown at version (0: the version last
// shown in chat). action is approve, or rollback when it comes from a
// rollback of the proposal's regression.
func (d *Desk) approve(ctx context.Context, ev bot.Event, id string, version int, action bot.Action) (bot.Message, error) {
	if k, _, _ := store.ParseID(id); k == store.KindRegression {
		return d.rollbackRegression(ctx, ev, id)
	}
	p, r, err := d.authorized(ctx, ev, string(action), id)
	if err != nil {
		return bot.Message{}, err
	}
	if p.Status != store.ProposalProposed {
		return bot.Message{}, bot.UserErrorf("%s is already %s by %s.", p.ID, p.Status, p.DecidedBy)
	}
	shown := p.ShownRevision
	if version == 0 {
		version = shown
	}
	switch {
	case shown == 0:
		return d.reshow(ctx, ev, *p, r, fmt.Sprintf("%s has not been shown in chat yet", p.ID))
	case version != p.Rev():
		return d.reshow(ctx, ev, *p, r, fmt.Sprintf("%s changed since it was shown to you (v%d, now v%d)", p.ID, version, p.Rev()))
	case version != shown || d.c.Now().Sub(p.ShownAt) > d.o.ApprovalTTL:
		return d.reshow(ctx, ev, *p, r, fmt.Sprintf("the approval window for %s (v%d) has expired", p.ID, version))
	}
	p, err = store.ChangeProposal(ctx, d.c.Store, id, func(p *store.Proposal) error {
		if err := undecidedFor(p); err != nil {
			return err
		}
		if p.Rev() != version || p.ShownRevision != version {
			return errChanged
		}
		p.Status, p.DecidedBy, p.DecidedAt, p.Reason = store.ProposalApproved, ev.User, d.c.Now().UTC(), ""
		return nil
	})
	if errors.Is(err, errChanged) {
		fresh, err := d.c.Proposal(ctx, id)
		if err != nil {
			return bot.Message{}, err
		}
		return d.reshow(ctx, ev, *fresh, r, fmt.Sprintf("%s changed while you were approving it", id))
	}
	if err != nil {
		return bot.Message{}, decisionError("approve", id, err)
	}
	if err := d.c.Audit(ctx, ev, string(action), p.ID, "v"+strconv.Itoa(version), true); err != nil {
		return bot.Message{}, err
	}
	d.c.CountDecision(string(action), true)
	if r.ID != "" && p.Kind == store.ProposalRevert {
		if err := d.mitigating(ctx, &r); err != nil {
			return bot.Message{}, fmt.Errorf("approve %s: %w", id, err)
		}
	}
	text := fmt.Sprintf("<@%s> approved %s (v%d): %s", ev.User, p.ID, version, p.Title) + prNote(d.o.PullRequests != nil, *p, prApprove)
	where := d.announce(ctx, ev, r, *p, text)
	return bot.Message{}, d.queuePR(ctx, where, *p, prApprove, "")
}

// reject rejects proposal id.
func (d *Desk) reject(ctx context.Context, ev bot.Event, id, reason string) (bot.Message, error) {
	_, r, err := d.authorized(ctx, ev, "reject", id)
	if err != nil {
		return bot.Message{}, err
	}
	p, err := store.ChangeProposal(ctx, d.c.Store, id, func(p *store.Proposal) error {
		if err := undecidedFor(p); err != nil {
			return err
		}
		p.Status, p.DecidedBy, p.DecidedAt, p.Reason = store.ProposalRejected, ev.User, d.c.Now().UTC(), reason
		return nil
	})
	if err != nil {
		return bot.Message{}, decisionError("reject", id, err)
	}
	if err := d.c.Audit(ctx, ev, "reject", p.ID, reason, true); err != nil {
		return bot.Message{}, err
	}
	d.c.CountDecision("reject", true)
	text := fmt.Sprintf("<@%s> rejected %s%s", ev.User, p.ID, because(reason))
	other, err := sharedWith(ctx, d.c.Store, *p)
	if err != nil {
		return bot.Message{}, err
	}
	if other != "" {
		d.announce(ctx, ev, r, *p, text+fmt.Sprintf(" I've left %s open: %s still proposes it.", p.PRURL, other))
		return bot.Message{}, nil
	}
	where := d.announce(ctx, ev, r, *p, text+prNote(d.o.PullRequests != nil, *p, prClose))
	return bot.Message{}, d.queuePR(ctx, where, *p, prClose, reason)
}

// rollback rolls back a regression's culprit (approving its revert
// proposal) or undoes an approved proposal.
func (d *Desk) rollback(ctx context.Context, ev bot.Event, id string) (bot.Message, error) {
	if k, _, _ := store.ParseID(id); k == store.KindRegression {
		return d.rollbackRegression(ctx, ev, id)
	}
	_, r, err := d.authorized(ctx, ev, "rollback", id)
	if err != nil {
		return bot.Message{}, err
	}
	p, err := store.ChangeProposal(ctx, d.c.Store, id, func(p *store.Proposal) error {
		if p.Status != store.ProposalApproved && p.Status != store.ProposalMerged {
			return bot.UserErrorf("%s is %s; only an approved or merged proposal can be rolled back.", p.ID, p.Status)
		}
		p.Status, p.DecidedBy, p.DecidedAt = store.ProposalRolledBack, ev.User, d.c.Now().UTC()
		return nil
	})
	if err != nil {
		return bot.Message{}, decisionError("rollback", id, err)
	}
	if err := d.c.Audit(ctx, ev, "rollback", p.ID, "", true); err != nil {
		return bot.Message{}, err
	}
	d.c.CountDecision("rollback", true)
	d.announce(ctx, ev, r, *p, fmt.Sprintf("<@%s> rolled back %s", ev.User, p.ID))
	return bot.Message{}, nil
}

// rollbackRegression approves the open revert proposal of regression id.
func (d *Desk) rollbackRegression(ctx context.Context, ev bot.Event, id string) (bot.Message, error) {
	r, err := d.c.Regression(ctx, id)
	if err != nil {
		return bot.Message{}, err
	}
	if err := d.c.Authorize(ctx, ev, "rollback", r.ID, r.Service); err != nil {
		return bot.Message{}, err
	}
	ps, err := d.c.Store.ListProposals(ctx, store.ListOptions{Status: string(store.ProposalProposed)})
	if err != nil {
		return bot.Message{}, fmt.Errorf("rollback %s: list proposals: %w", id, err)
	}
	for _, p := range ps {
		if p.RegressionID == r.ID && p.Kind == store.ProposalRevert {
			return d.approve(ctx, ev, p.ID, 0, bot.ActionRollback)
		}
	}
	return d.proposeRollback(ctx, ev, *r)
}

// dismiss closes regression id without a fix.
func (d *Desk) dismiss(ctx context.Context, ev bot.Event, id, reason string) (bot.Message, error) {
	r, err := d.c.Regression(ctx, id)
	if err != nil {
		return bot.Message{}, err
	}
	if err := d.c.Authorize(ctx, ev, "dismiss", r.ID, r.Service); err != nil {
		return bot.Message{}, err
	}
	r, err = store.ChangeRegression(ctx, d.c.Store, r.ID, func(r *store.Regression) error {
		if !r.Status.AwaitsDecision() {
			return bot.UserErrorf("%s is already %s.", r.ID, r.Status)
		}
		r.Status, r.ResolvedAt, r.Reason = store.RegressionDismissed, d.c.Now().UTC(), reason
		return nil
	})
	if err != nil {
		return bot.Message{}, decisionError("dismiss", id, err)
	}
	if err := d.c.Audit(ctx, ev, "dismiss", r.ID, reason, true); err != nil {
		return bot.Message{}, err
	}
	d.c.CountDecision("dismiss", true)
	d.c.RefreshAlert(ctx, *r)
	return bot.Message{Text: fmt.Sprintf("<@%s> dismissed %s%s", ev.User, r.ID, because(reason))}, nil
}

// Show records that p is shown at its revision (the record's ShownRevision,
// what an approval binds to), then posts it in the thread and records the
// card, so that a decision made anywhere (a command, another card, the
// code host) can redraw it.
func (d *Desk) Show(ctx context.Context, p store.Proposal, where store.ThreadRef) error {
	chat, err := d.c.Chat(where.Platform)
	if err != nil {
		return err
	}
	shown, err := store.ChangeProposal(ctx, d.c.Store, p.ID, func(p *store.Proposal) error {
		p.ShownRevision, p.ShownAt = p.Rev(), d.c.Now().UTC()
		return nil
	})
	if err != nil {
		return fmt.Errorf("show %s: %w", p.ID, err)
	}
	if err := d.c.Audit(ctx, bot.Event{Platform: where.Platform, Channel: where.Channel}, "show", p.ID, "v"+strconv.Itoa(shown.Rev()), true); err != nil {
		return err
	}
	ref, err := chat.Post(ctx, where.Channel, where.MessageID, bot.ProposalMessage(*shown))
	if err != nil {
		return fmt.Errorf("show %s: %w", p.ID, err)
	}
	if _, err := store.ChangeProposal(context.WithoutCancel(ctx), d.c.Store, p.ID, func(p *store.Proposal) error { // posted: record it
		if !slices.Contains(p.Cards, ref) {
			p.Cards = append(p.Cards, ref)
		}
		return nil
	}); err != nil {
		d.log.WarnContext(ctx, "proposal card not recorded", "proposal", p.ID, "err", err)
	}
	return nil
}

// redrawCards redraws every posted card of p, and the clicked one, with
// p as it is now: a decided proposal's cards lose their buttons and say
// who decided. Failures are logged.
func (d *Desk) redrawCards(ctx context.Context, p store.Proposal, clicked store.ThreadRef) {
	refs := slices.Clone(p.Cards)
	if clicked.MessageID != "" && !slices.Contains(refs, clicked) {
		refs = append(refs, clicked)
	}
	for _, ref := range refs {
		chat, err := d.c.Chat(ref.Platform)
		if err == nil {
			err = chat.Update(ctx, ref, bot.ProposalMessage(p))
		}
		if err != nil {
			d.log.WarnContext(ctx, "proposal card not redrawn", "proposal", p.ID, "message", ref.MessageID, "err", err)
		}
	}
}

// reshow shows the current version of a proposal again, with fresh buttons,
// and tells the user to approve that one. The refusal is audited.
func (d *Desk) reshow(ctx context.Context, ev bot.Event, p store.Proposal, r store.Regression, why string) (bot.Message, error) {
	if err := d.c.Audit(ctx, ev, "approve", p.ID, "refused: "+why, false); err != nil {
		return bot.Message{}, err
	}
	d.c.CountDecision("approve", false)
	where := r.Thread
	if where.MessageID == "" {
		where = ev.Where()
	}
	if err := d.Show(ctx, p, where); err != nil {
		return bot.Message{}, err
	}
	return bot.Message{}, bot.UserErrorf("Not approved: %s. I've posted the current version (v%d) in the thread; approve that one if it still looks right.", why, p.Version)
}

// announce tells the thread about a decision, before anything a job it
// queues can say: it posts text in the decision's thread (the
// regression's, else the opportunity's, else where the decision was made)
// and redraws the proposal's cards (the clicked one among them) without
// buttons. It returns the thread, for the jobs to report in.
func (d *Desk) announce(ctx context.Context, ev bot.Event, r store.Regression, p store.Proposal, text string) store.ThreadRef {
	var clicked store.ThreadRef
	if ev.Kind == bot.EventButton && ev.Thread != "" {
		clicked = store.ThreadRef{Platform: ev.Platform, Channel: ev.Channel, MessageID: ev.Thread}
	}
	where := r.Thread
	if where.MessageID == "" && p.OpportunityID != "" {
		if o, err := d.c.Store.GetOpportunity(ctx, p.OpportunityID); err == nil {
			where = o.Thread
		}
	}
	if where.MessageID == "" {
		where = ev.Where()
	}
	d.c.Post(ctx, where, bot.Message{Text: text})
	d.redrawCards(ctx, p, clicked)
	return where
}

// authorized loads proposal id and its regression for a decision, and
// checks that ev's user may take action on it (a refusal is audited).
func (d *Desk) authorized(ctx context.Context, ev bot.Event, action, id string) (*store.Proposal, store.Regression, error) {
	p, err := d.c.Proposal(ctx, id)
	if err != nil {
		return nil, store.Regression{}, err
	}
	r, err := d.c.ProposalRegression(ctx, *p)
	if err != nil {
		return nil, r, err
	}
	return p, r, d.c.Authorize(ctx, ev, action, p.ID, r.Service)
}

// errChanged says a proposal is not at the version a person approved.
var errChanged = errors.New("proposal changed")

// undecidedFor refuses a decision about p when it is already decided.
func undecidedFor(p *store.Proposal) error {
	if p.Status != store.ProposalProposed {
		return bot.UserErrorf("%s is already %s by %s.", p.ID, p.Status, p.DecidedBy)
	}
	return nil
}

// decisionError wraps a failed decision; a refusal for the user is kept
// as it is.
func decisionError(action, id string, err error) error {
	if bot.IsUserError(err) {
		return err
	}
	return fmt.Errorf("%s %s: %w", action, id, err)
}

// mitigating marks r, when it still awaits a decision, as being mitigated
// (its fix approved or merged), redraws its alert and updates *r.
func (d *Desk) mitigating(ctx context.Context, r *store.Regression) error {
	fresh, err := store.ChangeRegression(ctx, d.c.Store, r.ID, func(r *store.Regression) error {
		if !r.Status.AwaitsDecision() {
			return store.ErrNoChange
		}
		r.Status = store.RegressionMitigating
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark %s mitigating: %w", r.ID, err)
	}
	changed := fresh.Status != r.Status
	*r = *fresh
	if changed {
		d.c.RefreshAlert(ctx, *r)
	}
	return nil
}

func because(reason string) string {
	if reason == "" {
		return "."
	}
	return ": " + reason
}
