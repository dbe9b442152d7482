package proposals

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// Offer shows a stored proposal in the thread: at once when there is no
// code host to prepare it on, otherwise once its pull request (or local
// branch) is open, by a queued job.
func (d *Desk) Offer(ctx context.Context, p store.Proposal, reg *store.Regression, thread store.ThreadRef) error {
	if d.o.PullRequests == nil || (p.Kind != store.ProposalRevert && p.Kind != store.ProposalFix) {
		return d.Show(ctx, p, thread)
	}
	var r store.Regression
	if reg != nil {
		r = *reg
	}
	r.Thread = thread
	return d.queuePR(ctx, thread, p, prOpen, "")
}

// Propose stores p, a revert or fix an investigation of reg found, and
// offers it in thread — unless reg already has a proposal of the same
// change: one still proposed is updated to p's title and evidence (a new
// version) and shown again, one already decided is left as it is. It
// returns the proposal offered or kept. One change, one proposal: a
// second investigation naming the same culprit never makes a second
// proposal on the same branch.
func (d *Desk) Propose(ctx context.Context, p store.Proposal, reg *store.Regression, thread store.ThreadRef) (store.Proposal, error) {
	p.Status = store.ProposalProposed
	if p.RegressionID != "" {
		ps, err := d.c.Store.ListProposals(ctx, store.ListOptions{})
		if err != nil {
			return p, fmt.Errorf("propose: list proposals: %w", err)
		}
		for _, old := range ps {
			if old.RegressionID != p.RegressionID || old.Kind != p.Kind || old.Target != p.Target {
				continue
			}
			if old.Status != store.ProposalProposed {
				d.log.InfoContext(ctx, "change already decided; not proposed again", "proposal", old.ID, "status", old.Status)
				return old, nil
			}
			return d.refresh(ctx, old.ID, p, thread)
		}
	}
	if err := d.c.Store.CreateProposal(ctx, &p); err != nil {
		return p, fmt.Errorf("propose: store proposal: %w", err)
	}
	if reg != nil {
		d.c.ObserveResponse(bot.StageProposal, *reg, p.ProposedAt)
	}
	return p, d.Offer(ctx, p, reg, thread)
}

// refresh updates proposal id, still proposed, to the title and evidence
// of p and shows its new version in thread.
func (d *Desk) refresh(ctx context.Context, id string, p store.Proposal, thread store.ThreadRef) (store.Proposal, error) {
	refreshed := false
	old, err := store.ChangeProposal(ctx, d.c.Store, id, func(old *store.Proposal) error {
		if old.Status != store.ProposalProposed {
			return store.ErrNoChange // decided meanwhile
		}
		if p.Title != "" {
			old.Title = p.Title
		}
		if p.Body != "" && old.PRURL == "" {
			old.Body = p.Body // a prepared change keeps the body its pull request was opened with
		}
		old.Reason, old.InvestigationID = p.Reason, p.InvestigationID
		old.Revision = old.Rev() + 1 // what is approved is the evidence shown now
		refreshed = true
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("propose: update %s: %w", id, err)
	}
	if !refreshed {
		return *old, nil
	}
	if err := d.c.Audit(ctx, bot.Event{}, "propose", old.ID, "the same change found again: v"+strconv.Itoa(old.Rev()), true); err != nil {
		return *old, err
	}
	return *old, d.Show(ctx, *old, thread)
}

// rollbackLeaseTTL bounds how long one rollback may take to propose a
// revert; a second rollback of the same regression meanwhile is told so.
const rollbackLeaseTTL = time.Minute

// proposeRollback answers a rollback of a regression that has no revert
// proposed yet: it proposes the revert of the culprit the latest
// investigation named, prepares it on the code host and shows it in the
// thread for approval. A revert already approved or merged is reported,
// not proposed again.
func (d *Desk) proposeRollback(ctx context.Context, ev bot.Event, r store.Regression) (bot.Message, error) {
	key := "bot/rollback/" + r.ID
	ok, err := d.c.Store.AcquireLease(ctx, key, d.c.Owner+"/"+ev.ID+ev.User, rollbackLeaseTTL)
	if err != nil {
		return bot.Message{}, fmt.Errorf("rollback %s: lease: %w", r.ID, err)
	}
	if !ok {
		return bot.Message{}, bot.UserErrorf("A revert for %s is being prepared right now; it will show up in the thread.", r.ID)
	}
	defer func() {
		if err := d.c.Store.ReleaseLease(context.WithoutCancel(ctx), key, d.c.Owner+"/"+ev.ID+ev.User); err != nil {
			d.log.WarnContext(ctx, "release rollback lease", "regression", r.ID, "err", err)
		}
	}()
	ps, err := d.c.Store.ListProposals(ctx, store.ListOptions{})
	if err != nil {
		return bot.Message{}, fmt.Errorf("rollback %s: list proposals: %w", r.ID, err)
	}
	for _, p := range ps {
		if p.RegressionID != r.ID || p.Kind != store.ProposalRevert {
			continue
		}
		switch p.Status {
		case store.ProposalProposed:
			return d.approve(ctx, ev, p.ID, 0, bot.ActionRollback)
		case store.ProposalApproved, store.ProposalMerged:
			return bot.Message{}, bot.UserErrorf("%s already reverts %s: it is %s (%s).", p.ID, bot.Short(p.Target), p.Status, orNone(p.PRURL))
		}
	}
	s, err := culprit(ctx, d.c.Store, r.ID)
	if err != nil {
		return bot.Message{}, err
	}
	if s == nil {
		return bot.Message{}, bot.UserErrorf("No revert is proposed for %s yet. Run /wattson investigate %s to find the culprit first.", r.ID, r.ID)
	}
	p := store.Proposal{Kind: store.ProposalRevert, RegressionID: r.ID, Target: s.Commit, Status: store.ProposalProposed,
		Title: fmt.Sprintf("Revert %q", s.Title), Body: rollbackBody(r, *s)}
	if err := d.c.Store.CreateProposal(ctx, &p); err != nil {
		return bot.Message{}, fmt.Errorf("rollback %s: store proposal: %w", r.ID, err)
	}
	if err := d.c.Audit(ctx, ev, "rollback", r.ID, "proposed "+p.ID+" reverting "+s.Commit, true); err != nil {
		return bot.Message{}, err
	}
	where := r.Thread
	if where.MessageID == "" {
		where = ev.Where()
	}
	if err := d.Offer(ctx, p, &r, where); err != nil {
		return bot.Message{}, err
	}
	return bot.Message{Text: fmt.Sprintf("<@%s> asked to roll back %s: I've proposed %s, a revert of `%s` (%s). It will show up in the thread; approve it there to act.",
		ev.User, r.ID, p.ID, bot.Short(s.Commit), s.Title)}, nil
}

// culprit returns the top suspect of the newest finished investigation of
// regression id, or nil when none named one.
func culprit(ctx context.Context, st store.Investigations, id string) (*store.Suspect, error) {
	invs, err := st.ListInvestigations(ctx, store.ListOptions{Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("find culprit of %s: %w", id, err)
	}
	for i := len(invs) - 1; i >= 0; i-- {
		inv := invs[i]
		if inv.RegressionID == id && inv.Status == store.InvestigationDone && len(inv.Suspects) > 0 {
			s := inv.Suspects[0]
			return &s, nil
		}
	}
	return nil, nil
}

// rollbackBody explains a revert proposed by a rollback.
func rollbackBody(r store.Regression, s store.Suspect) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Reverts `%s` (%s", bot.Short(s.Commit), s.Title)
	if s.Author != "" {
		fmt.Fprintf(&sb, ", by %s", s.Author)
	}
	fmt.Fprintf(&sb, "), the most likely cause of %s: %s %+.1f%% (%s → %s) since %s.",
		r.ID, r.Metric, r.Pct, bot.Num(r.Before), bot.Num(r.After), r.ChangeTime.UTC().Format(bot.TimeLayout))
	for _, e := range s.Evidence {
		sb.WriteString("\n• " + e)
	}
	return sb.String()
}

func orNone(s string) string {
	if s == "" {
		return "no pull request"
	}
	return s
}
