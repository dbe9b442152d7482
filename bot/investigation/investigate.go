// Package investigation runs the bot's investigations: it records and
// queues one for a regression or a question, and on a worker threads its
// progress and findings under the regression's alert (or a new message in
// the channel asked from), stores the proposals that result and offers
// them for approval.
//
// The queue delivers a job at least once, so the record is found again by
// the job's key: a delivery after a replica died mid-investigation resumes
// it, one after it finished does nothing (resume.go).
package investigation

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// Proposer stores and offers the proposals an investigation of reg makes,
// in thread; the same change proposed again updates its proposal.
type Proposer interface {
	Propose(ctx context.Context, p store.Proposal, reg *store.Regression, thread store.ThreadRef) (store.Proposal, error)
}

// Options are what a Runner investigates with.
type Options struct {
	// Investigator runs the skills; nil turns investigations off.
	Investigator bot.Investigator
	// Proposals stores and offers the proposals an investigation makes.
	Proposals Proposer
}

// Runner queues and runs investigations. Build it with New.
type Runner struct {
	c   *bot.Core
	o   Options
	log *slog.Logger
}

// New builds a Runner over the bot's core. It does no I/O.
func New(c *bot.Core, o Options) *Runner {
	return &Runner{c: c, o: o, log: c.Log.With("part", "investigation")}
}

// JobInvestigate is the queue job kind of an investigation the bot runs.
const JobInvestigate = "bot.investigate"

// investigateJob is the payload of a JobInvestigate job.
type investigateJob struct {
	Question bot.Question `json:"question"`
	// Where is the channel the request came from; the investigation is
	// threaded under the regression's alert, or under a new message here.
	Where store.ThreadRef `json:"where"`
	// User asked for it; empty for alerts.
	User string `json:"user,omitempty"`
	// Key identifies the job across deliveries (see resume.go).
	Key string `json:"key,omitempty"`
}

// claimTTL bounds how long one investigation of a regression may keep
// others from starting: far longer than any investigation runs.
const claimTTL = time.Hour

// claimKey is the lease an investigation of regression id holds while it
// is queued or running; its owner is the job's key, so whichever replica
// runs the job can release it.
func claimKey(id string) string { return "bot/investigation/" + id }

// Start starts an investigation of q: it claims the regression (one
// investigation in flight per regression: a second request is told where
// to look), marks it investigating, creates the investigation's record
// and queues the job, and only then answers. It posts nothing: the worker
// that runs the job posts the progress message (in the alert's thread, or
// under a new message in the channel asked from) before anything else.
// So once Start has answered, the investigation survives the replica:
// queued before the answer, it is run by whichever replica's worker takes
// it. (Start used to post first and queue after, and a replica that died
// in between, while the chat's rate limit held the post, answered the
// command and lost the investigation.)
func (w *Runner) Start(ctx context.Context, ev bot.Event, q bot.Question) (bot.Message, error) {
	if w.o.Investigator == nil {
		return bot.Message{}, bot.UserErrorf("Investigations are not set up on this Wattson.")
	}
	j := investigateJob{Question: q, Where: ev.Where(), User: ev.User, Key: bot.NewRef()}
	what := q.Service
	if q.RegressionID != "" {
		r, err := w.c.Regression(ctx, q.RegressionID)
		if err != nil {
			return bot.Message{}, err
		}
		ok, err := w.c.Store.AcquireLease(ctx, claimKey(r.ID), j.Key, claimTTL)
		if err != nil {
			return bot.Message{}, fmt.Errorf("investigate %s: claim: %w", r.ID, err)
		}
		if !ok {
			return bot.Message{}, bot.UserErrorf("%s is already being investigated; its progress and findings are in the alert's thread.", r.ID)
		}
		reg, err := store.ChangeRegression(ctx, w.c.Store, r.ID, func(r *store.Regression) error {
			if r.Status == store.RegressionOpen {
				r.Status = store.RegressionInvestigating
			}
			return nil
		})
		if err != nil {
			w.release(ctx, j)
			return bot.Message{}, fmt.Errorf("investigate %s: %w", r.ID, err)
		}
		if reg.Status != r.Status {
			w.c.RefreshAlert(ctx, *reg) // no Investigate button while it runs
		}
		what = r.ID
	}
	inv, err := w.investigationRecord(ctx, j)
	if err == nil {
		var payload []byte
		if payload, err = json.Marshal(j); err == nil {
			_, err = w.c.Store.Enqueue(ctx, JobInvestigate, payload)
		}
		if err != nil {
			w.abandon(ctx, inv, j)
		}
	}
	if err != nil {
		w.release(ctx, j)
		return bot.Message{}, fmt.Errorf("queue investigation: %w", err)
	}
	return bot.Message{Text: fmt.Sprintf("Investigating %s (%s) — progress and findings will be in the thread.", what, inv.ID), Private: true}, nil
}

// abandon marks the record of an investigation that could not be queued
// failed, and puts its regression back to open when nothing else moved it.
func (w *Runner) abandon(ctx context.Context, inv *store.Investigation, j investigateJob) {
	ctx = context.WithoutCancel(ctx)
	inv.Status, inv.FinishedAt = store.InvestigationFailed, w.c.Now().UTC()
	if err := w.c.Store.UpdateInvestigation(ctx, inv); err != nil {
		w.log.WarnContext(ctx, "unqueued investigation not marked failed", "investigation", inv.ID, "err", err)
	}
	if j.Question.RegressionID == "" {
		return
	}
	reg, err := store.ChangeRegression(ctx, w.c.Store, j.Question.RegressionID, func(r *store.Regression) error {
		if r.Status == store.RegressionInvestigating {
			r.Status = store.RegressionOpen
		}
		return nil
	})
	if err != nil {
		w.log.WarnContext(ctx, "regression of an unqueued investigation not reopened", "regression", j.Question.RegressionID, "err", err)
		return
	}
	w.c.RefreshAlert(ctx, *reg)
}

// release gives up j's claim on its regression.
func (w *Runner) release(ctx context.Context, j investigateJob) {
	if j.Question.RegressionID == "" {
		return
	}
	if err := w.c.Store.ReleaseLease(context.WithoutCancel(ctx), claimKey(j.Question.RegressionID), j.Key); err != nil {
		w.log.WarnContext(ctx, "investigation claim not released", "regression", j.Question.RegressionID, "err", err)
	}
}

// thread returns the thread the investigation inv of job j lives in and
// its progress message, posting (and recording on inv) what an earlier
// delivery has not: the head of a new thread in the channel asked from
// when the regression has no alert, and the progress message.
func (w *Runner) thread(ctx context.Context, inv *store.Investigation, reg *store.Regression, j investigateJob) (thread, progress store.ThreadRef, err error) {
	thread = j.Where
	switch {
	case reg != nil && reg.Thread.MessageID != "":
		thread = reg.Thread
	case inv.Thread.MessageID != "":
		thread = inv.Thread
	}
	chat, err := w.c.Chat(thread.Platform)
	if err != nil {
		return thread, progress, fmt.Errorf("investigate: %w", err)
	}
	if thread.MessageID == "" {
		head := bot.Message{Title: "Investigation " + inv.ID, Text: questionText(j.Question, j.User)}
		if thread, err = chat.Post(ctx, thread.Channel, "", head); err != nil {
			return thread, progress, fmt.Errorf("investigate %s: post: %w", inv.ID, err)
		}
		inv.Thread = thread
		if err := w.c.Store.UpdateInvestigation(context.WithoutCancel(ctx), inv); err != nil { // posted: record it
			return thread, progress, fmt.Errorf("investigate %s: store thread: %w", inv.ID, err)
		}
	}
	progress, err = w.progressMessage(ctx, chat, inv, thread)
	return thread, progress, err
}

// Run is the worker side of a JobInvestigate job.
func (w *Runner) Run(ctx context.Context, job store.Job) error {
	var j investigateJob
	if err := json.Unmarshal(job.Payload, &j); err != nil {
		return fmt.Errorf("decode investigation job: %w", err)
	}
	q := j.Question
	var reg *store.Regression
	if q.RegressionID != "" {
		r, err := w.c.Store.GetRegression(ctx, q.RegressionID)
		if err != nil {
			return fmt.Errorf("investigate %s: %w", q.RegressionID, err)
		}
		reg = r
	}
	inv, err := w.investigationRecord(ctx, j)
	if err != nil || inv.Status != store.InvestigationRunning {
		return err // an earlier delivery of this job finished it
	}
	q.InvestigationID = inv.ID
	thread, progress, err := w.thread(ctx, inv, reg, j)
	if err != nil {
		return err
	}
	chat, err := w.c.Chat(thread.Platform)
	if err != nil {
		return fmt.Errorf("investigate: %w", err)
	}
	var steps []bot.Progress
	onStep := func(step bot.Progress) {
		steps = append(steps, step)
		if err := chat.Update(ctx, progress, bot.ProgressMessage(inv.ID, steps, false, 0)); err != nil {
			w.log.WarnContext(ctx, "progress not updated", "investigation", inv.ID, "err", err)
		}
	}
	f, runErr := w.o.Investigator.Investigate(ctx, q, onStep)
	defer w.release(ctx, j)
	inv.FinishedAt = w.c.Now().UTC()
	inv.Mode, inv.Steps, inv.Suspects, inv.Verdict, inv.TokensUsed, inv.Cost = f.Mode, f.Steps, f.Suspects, f.Verdict, f.TokensUsed, f.Cost
	if inv.Mode == "" {
		inv.Mode = store.ModePlaybook
	}
	inv.Status = store.InvestigationDone
	if runErr != nil {
		inv.Status = store.InvestigationFailed
	}
	if err := w.c.Store.UpdateInvestigation(ctx, inv); err != nil {
		return fmt.Errorf("investigate %s: store result: %w", inv.ID, err)
	}
	took := inv.FinishedAt.Sub(inv.StartedAt)
	if runErr != nil {
		return w.failed(ctx, chat, inv, reg, thread, progress, steps, took, runErr)
	}
	if reg != nil {
		// Re-read: the investigation took a while, and people may have
		// decided about the regression meanwhile (a dismissal, a merge);
		// writing back the copy read at the start would undo that.
		if reg, err = store.ChangeRegression(ctx, w.c.Store, reg.ID, func(r *store.Regression) error {
			if len(f.Proposals) > 0 && r.Status.AwaitsDecision() {
				r.Status = store.RegressionProposed
			}
			if r.Status == store.RegressionInvestigating { // nothing to propose: open for a decision again
				r.Status = store.RegressionOpen
			}
			if r.Cores == 0 && f.Cores > 0 {
				r.Cores = f.Cores
			}
			return nil
		}); err != nil {
			return fmt.Errorf("investigate %s: %w", inv.ID, err)
		}
		w.c.RefreshAlert(ctx, *reg)
		if len(f.Suspects) > 0 {
			w.c.ObserveResponse(bot.StageCulprit, *reg, inv.FinishedAt)
		}
	}
	if err := chat.Update(ctx, progress, bot.ProgressMessage(inv.ID, steps, true, took)); err != nil {
		w.log.WarnContext(ctx, "progress not finished", "investigation", inv.ID, "err", err)
	}
	if _, err := chat.Post(ctx, thread.Channel, thread.MessageID, bot.FindingsMessage(*inv)); err != nil {
		return fmt.Errorf("investigate %s: post findings: %w", inv.ID, err)
	}
	for _, p := range f.Proposals {
		p.RegressionID, p.InvestigationID = q.RegressionID, inv.ID
		if _, err := w.o.Proposals.Propose(ctx, p, reg, thread); err != nil {
			return fmt.Errorf("investigate %s: %w", inv.ID, err)
		}
	}
	return nil
}

// failed finishes the progress message of a failed investigation with why,
// puts its regression back to open when nobody decided about it meanwhile
// and says so in the thread.
func (w *Runner) failed(ctx context.Context, chat bot.Chat, inv *store.Investigation, reg *store.Regression, thread, progress store.ThreadRef,
	steps []bot.Progress, took time.Duration, runErr error) error {
	text := bot.PublicText(ctx, w.log.With("investigation", inv.ID), fmt.Errorf("investigate %s: %w", inv.ID, runErr))
	done := bot.ProgressMessage(inv.ID, steps, true, took)
	done.Title = fmt.Sprintf("Investigation %s failed after %s", inv.ID, took.Round(time.Second))
	done.Footer = text
	if err := chat.Update(ctx, progress, done); err != nil {
		w.log.WarnContext(ctx, "progress not finished", "investigation", inv.ID, "err", err)
	}
	if reg == nil {
		return nil
	}
	r, err := store.ChangeRegression(ctx, w.c.Store, reg.ID, func(r *store.Regression) error {
		if r.Status != store.RegressionInvestigating {
			return store.ErrNoChange
		}
		r.Status = store.RegressionOpen
		return nil
	})
	if err != nil {
		return fmt.Errorf("investigate %s: %w", inv.ID, err)
	}
	if r.Status == store.RegressionOpen {
		w.c.RefreshAlert(ctx, *r)
		w.c.Post(ctx, thread, bot.Message{Text: fmt.Sprintf("Investigation %s failed, so %s is open again: %s Run /wattson investigate %s to try again.",
			inv.ID, r.ID, text, r.ID)})
	}
	return nil
}

// questionText restates a question for the head of its thread.
func questionText(q bot.Question, user string) string {
	s := "What changed"
	if q.Service != "" {
		s += " in " + q.Service
	}
	if q.Metric != "" {
		s += " " + q.Metric
	}
	if !q.Since.IsZero() {
		s += " since " + q.Since.UTC().Format(bot.TimeLayout)
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
