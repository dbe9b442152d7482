// Package investigation runs the bot's investigations: it queues one for
// a regression or a question, and on a worker creates its Investigation
// record, threads its progress and findings under the regression's alert
// (or a new message in the channel asked from), stores the proposals that
// result and offers them for approval.
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

// Offerer offers a stored proposal for approval in a thread.
type Offerer interface {
	Offer(ctx context.Context, p store.Proposal, reg *store.Regression, thread store.ThreadRef) error
}

// Options are what a Runner investigates with.
type Options struct {
	// Investigator runs the skills; nil turns investigations off.
	Investigator bot.Investigator
	// Proposals offers the proposals an investigation makes.
	Proposals Offerer
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

// Start marks the regression investigating and queues the job.
func (w *Runner) Start(ctx context.Context, ev bot.Event, q bot.Question) (bot.Message, error) {
	if w.o.Investigator == nil {
		return bot.Message{}, bot.UserErrorf("Investigations are not set up on this Wattson.")
	}
	what := q.Service
	if q.RegressionID != "" {
		r, err := w.c.Regression(ctx, q.RegressionID)
		if err != nil {
			return bot.Message{}, err
		}
		if r.Status == store.RegressionOpen {
			r.Status = store.RegressionInvestigating
			if err := w.c.Store.UpdateRegression(ctx, r); err != nil {
				return bot.Message{}, fmt.Errorf("investigate %s: %w", r.ID, err)
			}
		}
		what = r.ID
	}
	payload, err := json.Marshal(investigateJob{Question: q, Where: ev.Where(), User: ev.User, Key: bot.NewRef()})
	if err != nil {
		return bot.Message{}, fmt.Errorf("encode investigation job: %w", err)
	}
	if _, err := w.c.Store.Enqueue(ctx, JobInvestigate, payload); err != nil {
		return bot.Message{}, fmt.Errorf("queue investigation: %w", err)
	}
	return bot.Message{Text: fmt.Sprintf("Investigating %s — I'll post progress and findings in the thread.", what), Private: true}, nil
}

// Run is the worker side of a JobInvestigate job.
func (w *Runner) Run(ctx context.Context, job store.Job) error {
	var j investigateJob
	if err := json.Unmarshal(job.Payload, &j); err != nil {
		return fmt.Errorf("decode investigation job: %w", err)
	}
	q := j.Question
	thread := j.Where
	var reg *store.Regression
	if q.RegressionID != "" {
		r, err := w.c.Store.GetRegression(ctx, q.RegressionID)
		if err != nil {
			return fmt.Errorf("investigate %s: %w", q.RegressionID, err)
		}
		reg = r
		if r.Thread.MessageID != "" {
			thread = r.Thread
		}
	}
	chat, err := w.c.Chat(thread.Platform)
	if err != nil {
		return fmt.Errorf("investigate: %w", err)
	}
	inv, err := w.investigationRecord(ctx, j)
	if err != nil || inv.Status != store.InvestigationRunning {
		return err // an earlier delivery of this job finished it
	}
	q.InvestigationID = inv.ID
	if thread.MessageID == "" {
		thread = inv.Thread
	}
	if thread.MessageID == "" {
		head := bot.Message{Title: "Investigation " + inv.ID, Text: questionText(q, j.User)}
		if thread, err = chat.Post(ctx, thread.Channel, "", head); err != nil {
			return fmt.Errorf("investigate %s: post: %w", inv.ID, err)
		}
		inv.Thread = thread
		if err := w.c.Store.UpdateInvestigation(ctx, inv); err != nil {
			return fmt.Errorf("investigate %s: store thread: %w", inv.ID, err)
		}
	}
	progress, err := w.progressMessage(ctx, chat, inv, thread)
	if err != nil {
		return err
	}
	var steps []string
	onStep := func(step string) {
		steps = append(steps, step)
		if err := chat.Update(ctx, progress, bot.ProgressMessage(inv.ID, steps, false, 0)); err != nil {
			w.log.WarnContext(ctx, "progress not updated", "investigation", inv.ID, "err", err)
		}
	}
	f, runErr := w.o.Investigator.Investigate(ctx, q, onStep)
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
		text := bot.PublicText(ctx, w.log.With("investigation", inv.ID), fmt.Errorf("investigate %s: %w", inv.ID, runErr))
		done := bot.ProgressMessage(inv.ID, steps, true, took)
		done.Title = fmt.Sprintf("Investigation %s failed after %s", inv.ID, took.Round(time.Second))
		done.Footer = text
		return chat.Update(ctx, progress, done)
	}
	var proposals []store.Proposal
	for _, p := range f.Proposals {
		p.RegressionID, p.Status = q.RegressionID, store.ProposalProposed
		if err := w.c.Store.CreateProposal(ctx, &p); err != nil {
			return fmt.Errorf("investigate %s: store proposal: %w", inv.ID, err)
		}
		proposals = append(proposals, p)
	}
	if reg != nil {
		// Re-read: the investigation took a while, and people may have
		// decided about the regression meanwhile (a dismissal, a merge);
		// writing back the copy read at the start would undo that.
		if reg, err = w.c.Store.GetRegression(ctx, reg.ID); err != nil {
			return fmt.Errorf("investigate %s: %w", inv.ID, err)
		}
		changed := false
		if len(proposals) > 0 && reg.Status.AwaitsDecision() {
			reg.Status, changed = store.RegressionProposed, true
		}
		if reg.Cores == 0 && f.Cores > 0 {
			reg.Cores, changed = f.Cores, true
		}
		if changed {
			if err := w.c.Store.UpdateRegression(ctx, reg); err != nil {
				return fmt.Errorf("investigate %s: update %s: %w", inv.ID, reg.ID, err)
			}
			w.c.RefreshAlert(ctx, *reg)
		}
	}
	if err := chat.Update(ctx, progress, bot.ProgressMessage(inv.ID, steps, true, took)); err != nil {
		w.log.WarnContext(ctx, "progress not finished", "investigation", inv.ID, "err", err)
	}
	if _, err := chat.Post(ctx, thread.Channel, thread.MessageID, bot.FindingsMessage(*inv)); err != nil {
		return fmt.Errorf("investigate %s: post findings: %w", inv.ID, err)
	}
	for _, p := range proposals {
		if err := w.o.Proposals.Offer(ctx, p, reg, thread); err != nil {
			return fmt.Errorf("investigate %s: %w", inv.ID, err)
		}
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
