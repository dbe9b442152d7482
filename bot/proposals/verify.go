package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// RecoveryChecker re-checks a regression's series after the change meant to
// fix it merged.
type RecoveryChecker interface {
	// CheckRecovery looks at r's series after the first deploy that
	// follows mergedAt and says whether it returned to its old level.
	CheckRecovery(ctx context.Context, r store.Regression, mergedAt time.Time) (Recovery, error)
}

// Recovery is the outcome of a recovery check.
type Recovery struct {
	// Ready is false while there is no deploy after the merge yet, or too
	// little data after it; the check is repeated later.
	Ready bool
	// Recovered says whether the series is back at its old level.
	Recovered bool
	// Level is the series' level after the deploy.
	Level float64
	// Summary says what was seen, in a sentence.
	Summary string
}

// JobVerifyRecovery is the queue job kind of a recovery check.
const JobVerifyRecovery = "bot.verify_recovery"

// verifyJob is the payload of a JobVerifyRecovery job.
type verifyJob struct {
	Proposal string `json:"proposal"`
}

// firstInTick reports whether this replica is the first to reach the
// current tick of the periodic task name that runs every interval, across
// replicas (a Remember key per nominal tick). A store failure skips the
// tick: the next one tries again.
func (b *Bot) firstInTick(ctx context.Context, name string, every time.Duration) bool {
	tick := b.now().UTC().Truncate(every)
	first, err := b.o.Store.Remember(ctx, "bot/"+name+"-tick/"+tick.Format(time.RFC3339), 2*every)
	if err != nil {
		b.log.WarnContext(ctx, "periodic tick not taken", "task", name, "err", err)
		return false
	}
	return first
}

// verifyEvery is how often merged proposals are re-checked.
const verifyEvery = 5 * time.Minute

// queueVerifications queues a recovery check of every merged proposal
// whose regression is still being mitigated, once per verifyEvery across
// replicas. Failures are logged: the next tick tries again.
func (b *Bot) queueVerifications(ctx context.Context) {
	if b.o.Recovery == nil {
		return
	}
	if !b.firstInTick(ctx, "verify", verifyEvery) {
		return
	}
	ps, err := b.o.Store.ListProposals(ctx, store.ListOptions{Status: string(store.ProposalMerged)})
	if err != nil {
		b.log.WarnContext(ctx, "list merged proposals", "err", err)
		return
	}
	for _, p := range ps {
		if p.RegressionID == "" {
			continue
		}
		r, err := b.o.Store.GetRegression(ctx, p.RegressionID)
		if err != nil || r.Status != store.RegressionMitigating {
			continue
		}
		if err := b.QueueVerify(ctx, p.ID); err != nil {
			b.log.WarnContext(ctx, "queue recovery check", "proposal", p.ID, "err", err)
		}
	}
}

// QueueVerify queues a recovery check of merged proposal id now.
func (b *Bot) QueueVerify(ctx context.Context, id string) error {
	payload, err := json.Marshal(verifyJob{Proposal: id})
	if err != nil {
		return fmt.Errorf("encode verify job: %w", err)
	}
	if _, err := b.o.Store.Enqueue(ctx, JobVerifyRecovery, payload); err != nil {
		return fmt.Errorf("queue verify %s: %w", id, err)
	}
	return nil
}

// runVerifyRecovery is the worker side of a JobVerifyRecovery job: when the
// series is back at its old level the regression is resolved, otherwise it
// is reopened; either way the thread is told. A regression no longer
// being mitigated was already decided and is left alone.
func (b *Bot) runVerifyRecovery(ctx context.Context, raw json.RawMessage) error {
	var vj verifyJob
	if err := json.Unmarshal(raw, &vj); err != nil {
		return fmt.Errorf("decode verify job: %w", err)
	}
	if b.o.Recovery == nil {
		return nil
	}
	release, ok, err := b.lease(ctx, "bot/verify/"+vj.Proposal, prLeaseTTL)
	if err != nil || !ok {
		return err // held elsewhere: that replica checks it
	}
	defer release()
	p, err := b.o.Store.GetProposal(ctx, vj.Proposal)
	if err != nil {
		return fmt.Errorf("verify %s: %w", vj.Proposal, err)
	}
	if p.Status != store.ProposalMerged || p.RegressionID == "" {
		return nil
	}
	r, err := b.o.Store.GetRegression(ctx, p.RegressionID)
	if err != nil {
		return fmt.Errorf("verify %s: %w", p.ID, err)
	}
	if r.Status != store.RegressionMitigating {
		return nil
	}
	mergedAt, err := b.mergedAt(ctx, *p)
	if err != nil {
		return err
	}
	rec, err := b.o.Recovery.CheckRecovery(ctx, *r, mergedAt)
	if err != nil {
		return fmt.Errorf("verify %s: %w", p.ID, err)
	}
	if !rec.Ready {
		return nil
	}
	// Re-read after the (possibly slow) check, so a decision made
	// meanwhile is not written over.
	if r, err = b.o.Store.GetRegression(ctx, p.RegressionID); err != nil {
		return fmt.Errorf("verify %s: %w", p.ID, err)
	}
	if r.Status != store.RegressionMitigating {
		return nil
	}
	var text string
	if rec.Recovered {
		r.Status, r.ResolvedAt = store.RegressionResolved, b.now().UTC()
		text = fmt.Sprintf("✓ %s is back at its old level after %s merged: %s → %s (was %s before the regression). %s is resolved.",
			r.Metric, p.ID, num(r.After), num(rec.Level), num(r.Before), r.ID)
	} else {
		r.Status = store.RegressionOpen
		text = fmt.Sprintf("✗ %s did not return to its old level after %s merged: now %s (was %s before the regression, %s after). I've reopened %s.",
			r.Metric, p.ID, num(rec.Level), num(r.Before), num(r.After), r.ID)
	}
	if err := b.o.Store.UpdateRegression(ctx, r); err != nil {
		return fmt.Errorf("verify %s: update %s: %w", p.ID, r.ID, err)
	}
	outcome := map[bool]string{true: "recovered", false: "not recovered: reopened"}[rec.Recovered]
	if err := b.audit(ctx, Event{}, "verify", r.ID, outcome+" after "+p.ID, true); err != nil {
		return err
	}
	b.refreshAlert(ctx, *r)
	if r.Thread.MessageID != "" {
		b.post(ctx, r.Thread, Message{Text: text, Footer: strings.TrimSpace(rec.Summary)})
	}
	if rec.Recovered {
		b.learn(ctx, *p, *r, rec) // learn.go
	}
	return nil
}

// mergedAt is when p's change merged: the audited merge, or the decision.
func (b *Bot) mergedAt(ctx context.Context, p store.Proposal) (time.Time, error) {
	evs, err := b.o.Store.ListAudit(ctx, p.ID, 0)
	if err != nil {
		return time.Time{}, fmt.Errorf("list audit of %s: %w", p.ID, err)
	}
	for _, ev := range evs {
		if strings.HasPrefix(ev.Action, "pr.") && strings.HasPrefix(ev.Detail, "merged") {
			return ev.At, nil
		}
	}
	return p.DecidedAt, nil
}
