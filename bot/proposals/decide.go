package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// approve approves proposal id as shown at version (0: the version last
// shown in chat). action is approve, or rollback when it comes from a
// rollback of the proposal's regression.
func (b *Bot) approve(ctx context.Context, ev Event, id string, version int, action Action) (Message, error) {
	if k, _, _ := store.ParseID(id); k == store.KindRegression {
		return b.rollbackRegression(ctx, ev, id)
	}
	p, err := b.proposal(ctx, id)
	if err != nil {
		return Message{}, err
	}
	r, err := b.proposalRegression(ctx, *p)
	if err != nil {
		return Message{}, err
	}
	if err := b.authorize(ctx, ev, string(action), p.ID, r.Service); err != nil {
		return Message{}, err
	}
	if p.Status != store.ProposalProposed {
		return Message{}, userErrorf("%s is already %s by %s.", p.ID, p.Status, p.DecidedBy)
	}
	shown, shownAt, err := b.lastShown(ctx, p.ID)
	if err != nil {
		return Message{}, err
	}
	if version == 0 {
		version = shown
	}
	switch {
	case shown == 0:
		return b.reshow(ctx, ev, *p, r, fmt.Sprintf("%s has not been shown in chat yet", p.ID))
	case version != p.Version:
		return b.reshow(ctx, ev, *p, r, fmt.Sprintf("%s changed since it was shown to you (v%d, now v%d)", p.ID, version, p.Version))
	case version != shown || b.now().Sub(shownAt) > b.o.ApprovalTTL:
		return b.reshow(ctx, ev, *p, r, fmt.Sprintf("the approval window for %s (v%d) has expired", p.ID, version))
	}
	p.Status, p.DecidedBy, p.DecidedAt, p.Reason = store.ProposalApproved, ev.User, b.now().UTC(), ""
	if err := b.o.Store.UpdateProposal(ctx, p); errors.Is(err, store.ErrConflict) {
		fresh, err := b.proposal(ctx, id)
		if err != nil {
			return Message{}, err
		}
		return b.reshow(ctx, ev, *fresh, r, fmt.Sprintf("%s changed while you were approving it", id))
	} else if err != nil {
		return Message{}, fmt.Errorf("approve %s: %w", id, err)
	}
	if err := b.audit(ctx, ev, string(action), p.ID, "v"+strconv.Itoa(version), true); err != nil {
		return Message{}, err
	}
	b.m.decisions.WithLabelValues(string(action), "true").Inc()
	if r.ID != "" && p.Kind == store.ProposalRevert && open(r.Status) {
		r.Status = store.RegressionMitigating
		if err := b.o.Store.UpdateRegression(ctx, &r); err != nil {
			return Message{}, fmt.Errorf("approve %s: mark %s mitigating: %w", id, r.ID, err)
		}
		b.refreshAlert(ctx, r)
	}
	text := fmt.Sprintf("<@%s> approved %s (v%d): %s", ev.User, p.ID, version, p.Title)
	next, err := b.queuePR(ctx, ev, *p, r, prApprove, "")
	if err != nil {
		return Message{}, err
	}
	return b.announce(ctx, ev, r, *p, text+next), nil
}

// reject rejects proposal id.
func (b *Bot) reject(ctx context.Context, ev Event, id, reason string) (Message, error) {
	p, err := b.proposal(ctx, id)
	if err != nil {
		return Message{}, err
	}
	r, err := b.proposalRegression(ctx, *p)
	if err != nil {
		return Message{}, err
	}
	if err := b.authorize(ctx, ev, "reject", p.ID, r.Service); err != nil {
		return Message{}, err
	}
	if p.Status != store.ProposalProposed {
		return Message{}, userErrorf("%s is already %s by %s.", p.ID, p.Status, p.DecidedBy)
	}
	p.Status, p.DecidedBy, p.DecidedAt, p.Reason = store.ProposalRejected, ev.User, b.now().UTC(), reason
	if err := b.o.Store.UpdateProposal(ctx, p); err != nil {
		return Message{}, fmt.Errorf("reject %s: %w", id, err)
	}
	if err := b.audit(ctx, ev, "reject", p.ID, reason, true); err != nil {
		return Message{}, err
	}
	b.m.decisions.WithLabelValues("reject", "true").Inc()
	next, err := b.queuePR(ctx, ev, *p, r, prClose, reason)
	if err != nil {
		return Message{}, err
	}
	return b.announce(ctx, ev, r, *p, fmt.Sprintf("<@%s> rejected %s%s", ev.User, p.ID, because(reason))+next), nil
}

// rollback rolls back a regression's culprit (approving its revert
// proposal) or undoes an approved proposal.
func (b *Bot) rollback(ctx context.Context, ev Event, id string) (Message, error) {
	if k, _, _ := store.ParseID(id); k == store.KindRegression {
		return b.rollbackRegression(ctx, ev, id)
	}
	p, err := b.proposal(ctx, id)
	if err != nil {
		return Message{}, err
	}
	r, err := b.proposalRegression(ctx, *p)
	if err != nil {
		return Message{}, err
	}
	if err := b.authorize(ctx, ev, "rollback", p.ID, r.Service); err != nil {
		return Message{}, err
	}
	if p.Status != store.ProposalApproved && p.Status != store.ProposalMerged {
		return Message{}, userErrorf("%s is %s; only an approved or merged proposal can be rolled back.", p.ID, p.Status)
	}
	p.Status, p.DecidedBy, p.DecidedAt = store.ProposalRolledBack, ev.User, b.now().UTC()
	if err := b.o.Store.UpdateProposal(ctx, p); err != nil {
		return Message{}, fmt.Errorf("rollback %s: %w", id, err)
	}
	if err := b.audit(ctx, ev, "rollback", p.ID, "", true); err != nil {
		return Message{}, err
	}
	b.m.decisions.WithLabelValues("rollback", "true").Inc()
	return b.announce(ctx, ev, r, *p, fmt.Sprintf("<@%s> rolled back %s", ev.User, p.ID)), nil
}

// rollbackRegression approves the open revert proposal of regression id.
func (b *Bot) rollbackRegression(ctx context.Context, ev Event, id string) (Message, error) {
	r, err := b.regression(ctx, id)
	if err != nil {
		return Message{}, err
	}
	if err := b.authorize(ctx, ev, "rollback", r.ID, r.Service); err != nil {
		return Message{}, err
	}
	ps, err := b.o.Store.ListProposals(ctx, store.ListOptions{Status: string(store.ProposalProposed)})
	if err != nil {
		return Message{}, fmt.Errorf("rollback %s: list proposals: %w", id, err)
	}
	for _, p := range ps {
		if p.RegressionID == r.ID && p.Kind == store.ProposalRevert {
			return b.approve(ctx, ev, p.ID, 0, ActionRollback)
		}
	}
	return b.proposeRollback(ctx, ev, *r)
}

// dismiss closes regression id without a fix.
func (b *Bot) dismiss(ctx context.Context, ev Event, id, reason string) (Message, error) {
	r, err := b.regression(ctx, id)
	if err != nil {
		return Message{}, err
	}
	if err := b.authorize(ctx, ev, "dismiss", r.ID, r.Service); err != nil {
		return Message{}, err
	}
	if !open(r.Status) {
		return Message{}, userErrorf("%s is already %s.", r.ID, r.Status)
	}
	r.Status, r.ResolvedAt = store.RegressionDismissed, b.now().UTC()
	if err := b.o.Store.UpdateRegression(ctx, r); err != nil {
		return Message{}, fmt.Errorf("dismiss %s: %w", id, err)
	}
	if err := b.audit(ctx, ev, "dismiss", r.ID, reason, true); err != nil {
		return Message{}, err
	}
	b.m.decisions.WithLabelValues("dismiss", "true").Inc()
	b.refreshAlert(ctx, *r)
	return Message{Text: fmt.Sprintf("<@%s> dismissed %s%s", ev.User, r.ID, because(reason))}, nil
}

// authorize checks RBAC for action on recordID of service. A refusal is
// audited before the user is told.
func (b *Bot) authorize(ctx context.Context, ev Event, action, recordID, service string) error {
	ok, why := mayDecide(b.o.Approvers, service, ev)
	if ok {
		return nil
	}
	if err := b.audit(ctx, ev, action, recordID, "refused: "+why, false); err != nil {
		return err
	}
	b.m.decisions.WithLabelValues(action, "false").Inc()
	return userErrorf("Sorry, you can't %s %s: you are %s. Ask an approver, or see /wattson status %s.", action, recordID, strings.TrimPrefix(why, "not "), recordID)
}

// proposalRegression returns the regression a proposal answers, or the
// zero regression for one that answers none.
func (b *Bot) proposalRegression(ctx context.Context, p store.Proposal) (store.Regression, error) {
	if p.RegressionID == "" {
		return store.Regression{}, nil
	}
	r, err := b.o.Store.GetRegression(ctx, p.RegressionID)
	if err != nil {
		return store.Regression{}, fmt.Errorf("get regression of %s: %w", p.ID, err)
	}
	return *r, nil
}

// lastShown returns the proposal version last shown in chat and when.
func (b *Bot) lastShown(ctx context.Context, id string) (int, time.Time, error) {
	evs, err := b.o.Store.ListAudit(ctx, id, 0)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("list audit of %s: %w", id, err)
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == "show" {
			v, _ := strconv.Atoi(strings.TrimPrefix(evs[i].Detail, "v"))
			return v, evs[i].At, nil
		}
	}
	return 0, time.Time{}, nil
}

// showProposal records that p is shown at its version, then posts it in
// the thread.
func (b *Bot) showProposal(ctx context.Context, p store.Proposal, where store.ThreadRef) error {
	chat, err := b.chat(where.Platform)
	if err != nil {
		return err
	}
	if err := b.audit(ctx, Event{Platform: where.Platform, Channel: where.Channel}, "show", p.ID, "v"+strconv.Itoa(p.Version), true); err != nil {
		return err
	}
	ref, err := chat.Post(ctx, where.Channel, where.MessageID, ProposalMessage(p))
	if err != nil {
		return fmt.Errorf("show %s: %w", p.ID, err)
	}
	// Where the card is, so that a decision made anywhere (a command,
	// another card, the code host) can redraw it.
	if err := b.audit(ctx, Event{Platform: ref.Platform, Channel: ref.Channel}, cardAction, p.ID, ref.MessageID, true); err != nil {
		b.log.WarnContext(ctx, "proposal card not recorded", "proposal", p.ID, "err", err)
	}
	return nil
}

// cardAction is the audit action recording a posted proposal card; its
// Detail is the card's message id.
const cardAction = "card"

// redrawCards redraws every posted card of p, and the clicked one, with
// p as it is now: a decided proposal's cards lose their buttons and say
// who decided. Failures are logged.
func (b *Bot) redrawCards(ctx context.Context, p store.Proposal, clicked store.ThreadRef) {
	evs, err := b.o.Store.ListAudit(ctx, p.ID, 0)
	if err != nil {
		b.log.WarnContext(ctx, "proposal cards not redrawn", "proposal", p.ID, "err", err)
		return
	}
	var refs []store.ThreadRef
	for _, ev := range evs {
		if ev.Action == cardAction && ev.Detail != "" {
			refs = append(refs, store.ThreadRef{Platform: ev.Platform, Channel: ev.Channel, MessageID: ev.Detail})
		}
	}
	if clicked.MessageID != "" && !slices.Contains(refs, clicked) {
		refs = append(refs, clicked)
	}
	for _, ref := range refs {
		chat, err := b.chat(ref.Platform)
		if err == nil {
			err = chat.Update(ctx, ref, ProposalMessage(p))
		}
		if err != nil {
			b.log.WarnContext(ctx, "proposal card not redrawn", "proposal", p.ID, "message", ref.MessageID, "err", err)
		}
	}
}

// reshow shows the current version of a proposal again, with fresh buttons,
// and tells the user to approve that one. The refusal is audited.
func (b *Bot) reshow(ctx context.Context, ev Event, p store.Proposal, r store.Regression, why string) (Message, error) {
	if err := b.audit(ctx, ev, "approve", p.ID, "refused: "+why, false); err != nil {
		return Message{}, err
	}
	b.m.decisions.WithLabelValues("approve", "false").Inc()
	where := r.Thread
	if where.MessageID == "" {
		where = ev.where()
	}
	if err := b.showProposal(ctx, p, where); err != nil {
		return Message{}, err
	}
	return Message{}, userErrorf("Not approved: %s. I've posted the current version (v%d) in the thread; approve that one if it still looks right.", why, p.Version)
}

// announce tells the channel about a decision: it redraws the proposal's
// cards (the clicked one among them) without buttons and replies in the
// regression's thread when the decision was made elsewhere.
func (b *Bot) announce(ctx context.Context, ev Event, r store.Regression, p store.Proposal, text string) Message {
	var clicked store.ThreadRef
	if ev.Kind == EventButton && ev.Thread != "" {
		clicked = store.ThreadRef{Platform: ev.Platform, Channel: ev.Channel, MessageID: ev.Thread}
	}
	b.redrawCards(ctx, p, clicked)
	return Message{Text: text}
}

func because(reason string) string {
	if reason == "" {
		return "."
	}
	return ": " + reason
}
