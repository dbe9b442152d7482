package investigation

import (
	"context"
	"fmt"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// resumeScan bounds how many recent investigations are searched for the
// record of an earlier delivery of a job.
const resumeScan = 500

// investigationRecord returns the investigation record of job j: the one
// an earlier delivery created (the queue delivers at least once, and a
// replica that died mid-investigation has its job reclaimed by another),
// or a new running one. A record no longer running was finished by an
// earlier delivery; the caller then has nothing to do.
func (w *Runner) investigationRecord(ctx context.Context, j investigateJob) (*store.Investigation, error) {
	q := j.Question
	if j.Key != "" {
		invs, err := w.c.Store.ListInvestigations(ctx, store.ListOptions{Limit: resumeScan})
		if err != nil {
			return nil, fmt.Errorf("investigate: find earlier attempt: %w", err)
		}
		for i := len(invs) - 1; i >= 0; i-- {
			if invs[i].Job == j.Key {
				w.log.InfoContext(ctx, "investigation resumed", "investigation", invs[i].ID, "status", invs[i].Status)
				return &invs[i], nil
			}
		}
	}
	inv := &store.Investigation{RegressionID: q.RegressionID, Trigger: q.Trigger, Mode: store.ModePlaybook,
		Status: store.InvestigationRunning, StartedAt: w.c.Now().UTC(), Job: j.Key}
	if err := w.c.Store.CreateInvestigation(ctx, inv); err != nil {
		return nil, fmt.Errorf("investigate: create record: %w", err)
	}
	return inv, nil
}

// progressMessage returns the investigation's progress message, posting it
// (and remembering it on the record) unless an earlier delivery did.
func (w *Runner) progressMessage(ctx context.Context, chat bot.Chat, inv *store.Investigation, thread store.ThreadRef) (store.ThreadRef, error) {
	if inv.Progress.MessageID != "" {
		return inv.Progress, nil
	}
	ref, err := chat.Post(ctx, thread.Channel, thread.MessageID, bot.ProgressMessage(inv.ID, nil, false, 0))
	if err != nil {
		return ref, fmt.Errorf("investigate %s: post progress: %w", inv.ID, err)
	}
	inv.Progress = ref
	if err := w.c.Store.UpdateInvestigation(context.WithoutCancel(ctx), inv); err != nil { // posted: record it
		return ref, fmt.Errorf("investigate %s: store progress message: %w", inv.ID, err)
	}
	return ref, nil
}
