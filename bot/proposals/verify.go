package proposals

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/bot"
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

// VerifyEvery is how often merged proposals are re-checked: the schedule
// of QueueVerifications.
const VerifyEvery = "@every 5m"

// QueueVerifications queues a recovery check of every merged proposal
// whose regression is still being mitigated. It is the periodic job
// "verify" (VerifyEvery), run once per tick across replicas. A proposal
// that cannot be queued is logged: the next tick tries again.
func (d *verifier) QueueVerifications(ctx context.Context, _ time.Time) error {
	if d.o.Recovery == nil {
		return nil
	}
	ps, err := d.c.Store.ListProposals(ctx, store.ListOptions{Status: string(store.ProposalMerged)})
	if err != nil {
		return fmt.Errorf("list merged proposals: %w", err)
	}
	for _, p := range ps {
		if p.RegressionID == "" {
			continue
		}
		r, err := d.c.Store.GetRegression(ctx, p.RegressionID)
		if err != nil || r.Status != store.RegressionMitigating {
			continue
		}
		if err := d.QueueVerify(ctx, p.ID); err != nil {
			d.log.WarnContext(ctx, "queue recovery check", "proposal", p.ID, "err", err)
		}
	}
	return nil
}

// QueueVerify queues a recovery check of merged proposal id now.
func (d *verifier) QueueVerify(ctx context.Context, id string) error {
	payload, err := json.Marshal(verifyJob{Proposal: id})
	if err != nil {
		return fmt.Errorf("encode verify job: %w", err)
	}
	if _, err := d.c.Store.Enqueue(ctx, JobVerifyRecovery, payload); err != nil {
		return fmt.Errorf("queue verify %s: %w", id, err)
	}
	return nil
}

// RunVerify is the worker side of a JobVerifyRecovery job: when the
// series is back at its old level the regression is resolved, otherwise it
// is reopened; either way the thread is told. A regression no longer
// being mitigated was already decided and is left alone.
func (d *verifier) RunVerify(ctx context.Context, j store.Job) error {
	var vj verifyJob
	if err := json.Unmarshal(j.Payload, &vj); err != nil {
		return fmt.Errorf("decode verify job: %w", err)
	}
	if d.o.Recovery == nil {
		return nil
	}
	release, ok, err := d.c.Lease(ctx, "bot/verify/"+vj.Proposal, prLeaseTTL)
	if err != nil || !ok {
		return err // held elsewhere: that replica checks it
	}
	defer release()
	p, err := d.c.Store.GetProposal(ctx, vj.Proposal)
	if err != nil {
		return fmt.Errorf("verify %s: %w", vj.Proposal, err)
	}
	if p.Status != store.ProposalMerged || p.RegressionID == "" {
		return nil
	}
	r, err := d.c.Store.GetRegression(ctx, p.RegressionID)
	if err != nil {
		return fmt.Errorf("verify %s: %w", p.ID, err)
	}
	if r.Status != store.RegressionMitigating {
		return nil
	}
	mergedAt := MergedAt(*p)
	rec, err := d.o.Recovery.CheckRecovery(ctx, *r, mergedAt)
	if err != nil {
		return fmt.Errorf("verify %s: %w", p.ID, err)
	}
	if !rec.Ready {
		return nil
	}
	// Changed on a fresh copy after the (possibly slow) check, so a
	// decision made meanwhile is not written over.
	var text string
	r, err = store.ChangeRegression(ctx, d.c.Store, p.RegressionID, func(r *store.Regression) error {
		if r.Status != store.RegressionMitigating {
			return store.ErrNoChange
		}
		if rec.Recovered {
			r.Status, r.ResolvedAt = store.RegressionResolved, d.c.Now().UTC()
			text = fmt.Sprintf("✓ %s is back at its old level after %s merged: %s → %s (was %s before the regression). %s is resolved.",
				r.Metric, p.ID, bot.Num(r.After), bot.Num(rec.Level), bot.Num(r.Before), r.ID)
		} else {
			r.Status = store.RegressionOpen
			text = fmt.Sprintf("✗ %s did not return to its old level after %s merged: now %s (was %s before the regression, %s after). I've reopened %s.",
				r.Metric, p.ID, bot.Num(rec.Level), bot.Num(r.Before), bot.Num(r.After), r.ID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("verify %s: %w", p.ID, err)
	}
	if text == "" || r.Status == store.RegressionMitigating {
		return nil // decided meanwhile
	}
	outcome := map[bool]string{true: "recovered", false: "not recovered: reopened"}[rec.Recovered]
	if err := d.c.Audit(ctx, bot.Event{}, "verify", r.ID, outcome+" after "+p.ID, true); err != nil {
		return err
	}
	d.c.RefreshAlert(ctx, *r)
	if r.Thread.MessageID != "" {
		d.c.Post(ctx, r.Thread, bot.Message{Text: text, Footer: strings.TrimSpace(rec.Summary)})
	}
	if rec.Recovered {
		d.c.ObserveResponse(bot.StageRecover, *r, r.ResolvedAt)
		d.learn(ctx, *p, *r, rec) // learn.go
	}
	return nil
}

// MergedAt is when p's change merged: as recorded, or for a proposal
// merged before that was, its decision.
func MergedAt(p store.Proposal) time.Time {
	if !p.MergedAt.IsZero() {
		return p.MergedAt
	}
	return p.DecidedAt
}
