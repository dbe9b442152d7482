package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// JobInvestigate is the queue job kind of an investigation the bot runs.
const JobInvestigate = "bot.investigate"

// investigateJob is the payload of a JobInvestigate job.
type investigateJob struct {
	Question Question `json:"question"`
	// Where is the channel the request came from; the investigation is
	// threaded under the regression's alert, or under a new message here.
	Where store.ThreadRef `json:"where"`
	// User asked for it; empty for alerts.
	User string `json:"user,omitempty"`
	// Key identifies the job across deliveries (see resume.go).
	Key string `json:"key,omitempty"`
}

// investigateCommand queues an investigation of a regression or a service.
func (b *Bot) investigateCommand(ctx context.Context, ev Event, c Command) (Message, error) {
	q := Question{RegressionID: c.ID, Service: c.Service, Metric: c.Metric, Trigger: store.TriggerCommand}
	if c.Since != "" {
		q.Since, _ = ParseSince(c.Since, b.now())
	}
	return b.startInvestigation(ctx, ev, q)
}

// startInvestigation marks the regression investigating and queues the job.
func (b *Bot) startInvestigation(ctx context.Context, ev Event, q Question) (Message, error) {
	if b.o.Investigator == nil {
		return Message{}, userErrorf("Investigations are not set up on this Wattson.")
	}
	what := q.Service
	if q.RegressionID != "" {
		r, err := b.regression(ctx, q.RegressionID)
		if err != nil {
			return Message{}, err
		}
		if r.Status == store.RegressionOpen {
			r.Status = store.RegressionInvestigating
			if err := b.o.Store.UpdateRegression(ctx, r); err != nil {
				return Message{}, fmt.Errorf("investigate %s: %w", r.ID, err)
			}
		}
		what = r.ID
	}
	payload, err := json.Marshal(investigateJob{Question: q, Where: ev.where(), User: ev.User, Key: newRef()})
	if err != nil {
		return Message{}, fmt.Errorf("encode investigation job: %w", err)
	}
	if _, err := b.o.Store.Enqueue(ctx, JobInvestigate, payload); err != nil {
		return Message{}, fmt.Errorf("queue investigation: %w", err)
	}
	return Message{Text: fmt.Sprintf("Investigating %s — I'll post progress and findings in the thread.", what), Private: true}, nil
}

// runInvestigation is the worker side of a JobInvestigate job.
func (b *Bot) runInvestigation(ctx context.Context, raw json.RawMessage) error {
	var j investigateJob
	if err := json.Unmarshal(raw, &j); err != nil {
		return fmt.Errorf("decode investigation job: %w", err)
	}
	q := j.Question
	thread := j.Where
	var reg *store.Regression
	if q.RegressionID != "" {
		r, err := b.o.Store.GetRegression(ctx, q.RegressionID)
		if err != nil {
			return fmt.Errorf("investigate %s: %w", q.RegressionID, err)
		}
		reg = r
		if r.Thread.MessageID != "" {
			thread = r.Thread
		}
	}
	chat, err := b.chat(thread.Platform)
	if err != nil {
		return fmt.Errorf("investigate: %w", err)
	}
	inv, err := b.investigationRecord(ctx, j)
	if err != nil || inv.Status != store.InvestigationRunning {
		return err // an earlier delivery of this job finished it
	}
	q.InvestigationID = inv.ID
	if thread.MessageID == "" {
		thread = inv.Thread
	}
	if thread.MessageID == "" {
		head := Message{Title: "Investigation " + inv.ID, Text: questionText(q, j.User)}
		if thread, err = chat.Post(ctx, thread.Channel, "", head); err != nil {
			return fmt.Errorf("investigate %s: post: %w", inv.ID, err)
		}
		inv.Thread = thread
		if err := b.o.Store.UpdateInvestigation(ctx, inv); err != nil {
			return fmt.Errorf("investigate %s: store thread: %w", inv.ID, err)
		}
	}
	progress, err := b.progressMessage(ctx, chat, inv, thread)
	if err != nil {
		return err
	}
	var steps []string
	onStep := func(step string) {
		steps = append(steps, step)
		if err := chat.Update(ctx, progress, ProgressMessage(inv.ID, steps, false, 0)); err != nil {
			b.log.WarnContext(ctx, "progress not updated", "investigation", inv.ID, "err", err)
		}
	}
	f, runErr := b.o.Investigator.Investigate(ctx, q, onStep)
	inv.FinishedAt = b.now().UTC()
	inv.Mode, inv.Steps, inv.Suspects, inv.Verdict, inv.TokensUsed, inv.Cost = f.Mode, f.Steps, f.Suspects, f.Verdict, f.TokensUsed, f.Cost
	if inv.Mode == "" {
		inv.Mode = store.ModePlaybook
	}
	inv.Status = store.InvestigationDone
	if runErr != nil {
		inv.Status = store.InvestigationFailed
	}
	if err := b.o.Store.UpdateInvestigation(ctx, inv); err != nil {
		return fmt.Errorf("investigate %s: store result: %w", inv.ID, err)
	}
	took := inv.FinishedAt.Sub(inv.StartedAt)
	if runErr != nil {
		text := PublicText(ctx, b.log.With("investigation", inv.ID), fmt.Errorf("investigate %s: %w", inv.ID, runErr))
		done := ProgressMessage(inv.ID, steps, true, took)
		done.Title = fmt.Sprintf("Investigation %s failed after %s", inv.ID, took.Round(time.Second))
		done.Footer = text
		return chat.Update(ctx, progress, done)
	}
	var proposals []store.Proposal
	for _, p := range f.Proposals {
		p.RegressionID, p.Status = q.RegressionID, store.ProposalProposed
		if err := b.o.Store.CreateProposal(ctx, &p); err != nil {
			return fmt.Errorf("investigate %s: store proposal: %w", inv.ID, err)
		}
		proposals = append(proposals, p)
	}
	if reg != nil {
		// Re-read: the investigation took a while, and people may have
		// decided about the regression meanwhile (a dismissal, a merge);
		// writing back the copy read at the start would undo that.
		if reg, err = b.o.Store.GetRegression(ctx, reg.ID); err != nil {
			return fmt.Errorf("investigate %s: %w", inv.ID, err)
		}
		changed := false
		if len(proposals) > 0 && open(reg.Status) {
			reg.Status, changed = store.RegressionProposed, true
		}
		if reg.Cores == 0 && f.Cores > 0 {
			reg.Cores, changed = f.Cores, true
		}
		if changed {
			if err := b.o.Store.UpdateRegression(ctx, reg); err != nil {
				return fmt.Errorf("investigate %s: update %s: %w", inv.ID, reg.ID, err)
			}
			b.refreshAlert(ctx, *reg)
		}
	}
	if err := chat.Update(ctx, progress, ProgressMessage(inv.ID, steps, true, took)); err != nil {
		b.log.WarnContext(ctx, "progress not finished", "investigation", inv.ID, "err", err)
	}
	if _, err := chat.Post(ctx, thread.Channel, thread.MessageID, FindingsMessage(*inv)); err != nil {
		return fmt.Errorf("investigate %s: post findings: %w", inv.ID, err)
	}
	for _, p := range proposals {
		if err := b.offer(ctx, p, reg, thread); err != nil {
			return fmt.Errorf("investigate %s: %w", inv.ID, err)
		}
	}
	return nil
}

// questionText restates a question for the head of its thread.
func questionText(q Question, user string) string {
	s := "What changed"
	if q.Service != "" {
		s += " in " + q.Service
	}
	if q.Metric != "" {
		s += " " + q.Metric
	}
	if !q.Since.IsZero() {
		s += " since " + q.Since.UTC().Format(timeLayout)
	}
	s += "?"
	if q.Text != "" {
		s = "“" + q.Text + "”"
	}
	if user != "" {
		s += fmt.Sprintf(" (asked by <@%s>)", user)
	}
	return s
}
