// Package proposals owns the bot's proposals: reverts and fixes offered
// for approval. It decides them (approve, reject, rollback; and dismiss
// for a regression), acts on their changes on the code host through queued
// jobs, notices a change merged or closed there by hand, checks after a
// merge that the regression's metric recovered, and hands the lesson of a
// verified fix to the learner.
//
// Every change of a proposal's status happens here. A decision is bound to
// the version of the proposal shown in chat; an action on a change holds
// the proposal's code-host lease ("bot/pr/<id>") and is audited, so a job
// delivered twice acts once.
package proposals

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/periodic"
)

// Options are what a Desk acts through; every field may be zero.
type Options struct {
	// PullRequests acts on the code host when proposals are made,
	// approved and rejected; nil keeps proposals in chat only.
	PullRequests PullRequests
	// Recovery re-checks a regression's series after its fix merged; nil
	// turns verification off.
	Recovery RecoveryChecker
	// Learner records the lessons of verified fixes in the skill library;
	// nil learns nothing.
	Learner Learner
	// ApprovalTTL is how long a shown proposal may be approved; 0 means
	// 72 hours.
	ApprovalTTL time.Duration
	// RemindAfter is how long a proposal waits for a decision before its
	// approvers are reminded in its thread, and again after each further
	// wait as long (remind.go); 0 reminds nobody.
	RemindAfter time.Duration
}

// Desk decides proposals and acts on them. Build it with New.
type Desk struct {
	*verifier // recovery checks of merged proposals (verify.go)
	c         *bot.Core
	o         Options
	log       *slog.Logger
}

// verifier checks that the regressions of merged proposals recovered and
// learns from the fixes that did.
type verifier struct {
	c   *bot.Core
	o   Options
	log *slog.Logger
}

// New builds a Desk over the bot's core. It does no I/O.
func New(c *bot.Core, o Options) *Desk {
	if o.ApprovalTTL <= 0 {
		o.ApprovalTTL = 72 * time.Hour
	}
	log := c.Log.With("part", "proposals")
	return &Desk{verifier: &verifier{c: c, o: o, log: log}, c: c, o: o, log: log}
}

// Decide acts on a user's decision: approve or roll back a proposal,
// reject one, roll back or dismiss a regression.
func (d *Desk) Decide(ctx context.Context, ev bot.Event, dec bot.Decision) (bot.Message, error) {
	switch dec.Action {
	case bot.ActionApprove:
		return d.approve(ctx, ev, dec.ID, dec.Version, bot.ActionApprove)
	case bot.ActionRollback:
		if k, _, _ := store.ParseID(dec.ID); ev.Kind == bot.EventButton && k != store.KindProposal {
			return d.approve(ctx, ev, dec.ID, dec.Version, bot.ActionRollback)
		}
		return d.rollback(ctx, ev, dec.ID)
	case bot.ActionReject:
		return d.reject(ctx, ev, dec.ID, dec.Reason)
	case bot.ActionDismiss:
		return d.dismiss(ctx, ev, dec.ID, dec.Reason)
	}
	return bot.Message{}, fmt.Errorf("decide: unknown action %q", dec.Action)
}

// Periodic are the desk's periodic jobs, each to run once per tick across
// replicas: "pr-check" (CheckPRs, every two minutes) notices changes
// merged or closed by hand; "verify" (QueueVerifications, every five)
// queues the recovery checks of merged proposals; with
// Options.RemindAfter, "remind" (Remind) reminds approvers of proposals
// that wait.
func (d *Desk) Periodic() []periodic.Job {
	return append([]periodic.Job{
		{Name: "pr-check", Spec: CheckEvery, Do: d.CheckPRs},
		{Name: "verify", Spec: VerifyEvery, Do: d.QueueVerifications},
	}, d.remindJob()...)
}
