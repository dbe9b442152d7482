package proposals

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// CheckEvery is how often the changes of undecided proposals are read
// from the code host, to notice one merged or closed there by hand rather
// than through Wattson: the schedule of CheckPRs. One read per open
// proposal every two minutes stays far below GitHub's 5,000 requests an
// hour.
const CheckEvery = "@every 2m"

// CheckPRs queues a check of every proposed or approved proposal that has
// a pull request (or local branch). It is the periodic job "pr-check"
// (CheckEvery), run once per tick across replicas. Failures are logged:
// the next tick tries again.
func (d *Desk) CheckPRs(ctx context.Context, _ time.Time) error {
	if d.o.PullRequests == nil {
		return nil
	}
	for _, status := range []store.ProposalStatus{store.ProposalProposed, store.ProposalApproved} {
		ps, err := d.c.Store.ListProposals(ctx, store.ListOptions{Status: string(status)})
		if err != nil {
			d.log.WarnContext(ctx, "list proposals to check", "status", status, "err", err)
			continue
		}
		for _, p := range ps {
			if p.PRURL == "" {
				continue
			}
			if err := d.queuePRCheck(ctx, p.ID); err != nil {
				d.log.WarnContext(ctx, "pull request check not queued", "proposal", p.ID, "err", err)
			}
		}
	}
	return nil
}

// queuePRCheck queues a check of proposal id's change.
func (d *Desk) queuePRCheck(ctx context.Context, id string) error {
	payload, err := json.Marshal(prJob{Proposal: id, Action: prCheck})
	if err != nil {
		return fmt.Errorf("encode pull request check: %w", err)
	}
	if _, err := d.c.Store.Enqueue(ctx, JobPullRequest, payload); err != nil {
		return fmt.Errorf("queue check of %s: %w", id, err)
	}
	return nil
}

// runPRCheck is the worker side of a check: it reads where proposal id's
// change is on the code host and records a merge or close done there by
// hand. It holds the proposal's code-host lease, like every action on the
// change, and acts only on a proposal still proposed or approved, so a
// later check (the next tick, another replica) finds nothing to do. A code
// host that cannot be read is logged and left to the next tick.
func (d *Desk) runPRCheck(ctx context.Context, id string) error {
	if d.o.PullRequests == nil {
		return nil // queued before the code host was unconfigured
	}
	release, ok, err := d.c.Lease(ctx, "bot/pr/"+id, prLeaseTTL)
	if err != nil {
		return fmt.Errorf("check %s: lease: %w", id, err)
	}
	if !ok {
		return nil // an action on the change is running; the next tick looks again
	}
	defer release()
	p, err := d.c.Store.GetProposal(ctx, id)
	if err != nil {
		return fmt.Errorf("check %s: %w", id, err)
	}
	if !undecided(*p) {
		return nil
	}
	res, err := d.o.PullRequests.State(ctx, *p)
	if err != nil {
		d.log.WarnContext(ctx, "pull request state not read; the next tick tries again", "proposal", id, "url", p.PRURL, "err", err)
		return nil
	}
	switch res.State {
	case "merged":
		return d.mergedByHand(ctx, p, res)
	case "closed":
		return d.closedByHand(ctx, p, res)
	}
	return nil
}

// undecided reports whether p's change is still waiting on the code host:
// p is proposed or approved and has a pull request or branch.
func undecided(p store.Proposal) bool {
	return p.PRURL != "" && (p.Status == store.ProposalProposed || p.Status == store.ProposalApproved)
}

// mergedByHand records that p's change was merged on the code host: it
// marks its regression mitigating and p merged at the time the merge
// happened (MergedAt), audits it, redraws the alert and p's cards, says so
// in the thread and queues the recovery check. Marking the regression
// comes first and is safe to repeat, so a check that failed half-way is
// finished by the next one; the thread hears of it only from the check
// that marked p merged.
func (d *Desk) mergedByHand(ctx context.Context, p *store.Proposal, res PRResult) error {
	at := res.MergedAt.UTC()
	if res.MergedAt.IsZero() {
		at = d.c.Now().UTC()
	}
	name, host := changeOf(*p)
	detail := "merged " + p.PRURL
	if res.By != "" {
		detail += " by " + res.By
	}
	r, err := d.c.ProposalRegression(ctx, *p)
	if err != nil {
		return err
	}
	if r.ID != "" {
		if err := d.mitigating(ctx, &r); err != nil {
			return fmt.Errorf("record merge of %s: %w", p.ID, err)
		}
	}
	decided, err := decideByHand(ctx, d.c.Store, p, store.ProposalMerged, decider(*p, res), at, "")
	if err != nil || !decided {
		return err
	}
	d.auditHand(ctx, p.ID, detail, at)
	d.observeMerge(ctx, *p)
	d.redrawCards(ctx, *p, store.ThreadRef{})
	text := fmt.Sprintf("%s for %s was merged %s", name, p.ID, host)
	if res.By != "" {
		text += " by " + res.By
	}
	verify := d.o.Recovery != nil && r.Status == store.RegressionMitigating
	if verify {
		text += fmt.Sprintf(", not through Wattson. I'll check %s after the next deploy.", r.Metric)
	} else {
		text += ", not through Wattson."
	}
	d.tellHand(ctx, r, *p, res, text)
	if verify {
		if err := d.QueueVerify(ctx, p.ID); err != nil {
			// The periodic verification (QueueVerifications) picks it up.
			d.log.WarnContext(ctx, "recovery check not queued", "proposal", p.ID, "err", err)
		}
	}
	return nil
}

// closedByHand records that p's change was closed on the code host without
// merging: it audits the close, marks p rejected and says so in the
// thread. A regression that p's approval had put in mitigation, and that
// no other approved or merged proposal mitigates, is open again.
func (d *Desk) closedByHand(ctx context.Context, p *store.Proposal, res PRResult) error {
	at := res.ClosedAt.UTC()
	if res.ClosedAt.IsZero() {
		at = d.c.Now().UTC()
	}
	name, host := changeOf(*p)
	detail, by := "closed "+p.PRURL, ""
	if res.By != "" {
		detail, by = detail+" by "+res.By, " by "+res.By
	}
	reason := fmt.Sprintf("%s was closed %s%s without merging", name, host, by)
	decided, err := decideByHand(ctx, d.c.Store, p, store.ProposalRejected, decider(*p, res), at, reason)
	if err != nil || !decided {
		return err
	}
	d.auditHand(ctx, p.ID, detail, at)
	d.redrawCards(ctx, *p, store.ThreadRef{})
	r, err := d.c.ProposalRegression(ctx, *p)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("%s for %s was closed %s%s without merging, so %s is rejected.", name, p.ID, host, by, p.ID)
	if reopened, err := d.reopenUnmitigated(ctx, &r, p.ID); err != nil {
		d.log.WarnContext(ctx, "regression not reopened", "regression", r.ID, "proposal", p.ID, "err", err)
	} else if reopened {
		text += fmt.Sprintf(" %s is open again.", r.ID)
	}
	d.tellHand(ctx, r, *p, res, text)
	return nil
}

// reopenUnmitigated opens r again when it is being mitigated and no
// approved or merged proposal other than closed still answers it.
func (d *Desk) reopenUnmitigated(ctx context.Context, r *store.Regression, closed string) (bool, error) {
	if r.ID == "" || r.Status != store.RegressionMitigating {
		return false, nil
	}
	for _, status := range []store.ProposalStatus{store.ProposalApproved, store.ProposalMerged} {
		ps, err := d.c.Store.ListProposals(ctx, store.ListOptions{Status: string(status)})
		if err != nil {
			return false, fmt.Errorf("list %s proposals: %w", status, err)
		}
		for _, p := range ps {
			if p.RegressionID == r.ID && p.ID != closed {
				return false, nil
			}
		}
	}
	fresh, err := store.ChangeRegression(ctx, d.c.Store, r.ID, func(r *store.Regression) error {
		if r.Status != store.RegressionMitigating {
			return store.ErrNoChange
		}
		r.Status = store.RegressionOpen
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("reopen %s: %w", r.ID, err)
	}
	reopened := fresh.Status == store.RegressionOpen
	*r = *fresh
	if reopened {
		d.c.RefreshAlert(ctx, *r)
	}
	return reopened, nil
}

// auditHand audits that p's change was found merged or closed on the
// code host (detail starts with "merged" or "closed"), dated at; a
// failure is logged: the proposal already records it.
func (d *Desk) auditHand(ctx context.Context, id, detail string, at time.Time) {
	_, err := d.c.Store.AppendAudit(ctx, store.AuditEvent{At: at, Actor: "wattson", Action: "pr." + prCheck, RecordID: id, Detail: detail, Allowed: true})
	if err != nil {
		d.log.WarnContext(ctx, "change decided by hand not audited", "proposal", id, "err", err)
	}
}

// decideByHand moves p, while it is still undecided, to status as decided
// by who at at, and reports whether this call did; *p is the proposal as
// stored.
func decideByHand(ctx context.Context, ps store.Proposals, p *store.Proposal, status store.ProposalStatus, who string, at time.Time, reason string) (bool, error) {
	decided := false
	fresh, err := store.ChangeProposal(ctx, ps, p.ID, func(p *store.Proposal) error {
		if !undecided(*p) {
			return store.ErrNoChange
		}
		p.Status, p.DecidedBy, p.DecidedAt, p.Reason = status, who, at, reason
		if status == store.ProposalMerged && p.MergedAt.IsZero() {
			p.MergedAt = at
		}
		if !slices.Contains(p.Done, prCheck) {
			p.Done = append(p.Done, prCheck)
		}
		decided = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("mark %s %s: %w", p.ID, status, err)
	}
	*p = *fresh
	return decided, nil
}

// changeOf names p's change and where it lives, for the thread: a GitHub
// pull request has a number, a local clone's change is a branch.
func changeOf(p store.Proposal) (name, host string) {
	if p.PRNumber > 0 {
		return fmt.Sprintf("PR #%d", p.PRNumber), "on GitHub"
	}
	return "Branch " + p.PRURL, "in the local clone"
}

// decider is who decided p's change by hand, as the proposal records it:
// the code-host login that merged it when known, and the host.
func decider(p store.Proposal, res PRResult) string {
	host := "git"
	if p.PRNumber > 0 {
		host = "GitHub"
	}
	if res.By != "" {
		return res.By + " (" + host + ")"
	}
	return host
}

// tellHand says in r's thread what happened to p's change. A proposal
// with no regression thread is only audited.
func (d *Desk) tellHand(ctx context.Context, r store.Regression, p store.Proposal, res PRResult, text string) {
	if r.Thread.MessageID == "" {
		d.log.InfoContext(ctx, "no thread to tell of a change decided by hand", "proposal", p.ID, "text", text)
		return
	}
	footer := p.PRURL
	if len(res.Notes) > 0 {
		footer += " · " + strings.Join(res.Notes, " · ")
	}
	d.c.Post(ctx, r.Thread, bot.Message{Text: text, Footer: footer})
}
