package proposals

import (
	"context"
	"fmt"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// Lesson is what a merged change that verifiably fixed a regression
// teaches: the change, the regression, the investigation that led to it,
// and the measured effect.
type Lesson struct {
	// Proposal is the merged revert or fix.
	Proposal store.Proposal
	// Regression is the regression it fixed.
	Regression store.Regression
	// Investigation is the regression's latest finished investigation;
	// nil when there is none.
	Investigation *store.Investigation
	// Effect says what was measured, in a sentence.
	Effect string
}

// Learner records a lesson in the skill library, so that the next
// opportunity scan recognises the pattern.
type Learner interface {
	Learn(ctx context.Context, l Lesson) error
}

// learn hands the lesson of a verified fix to the learner. A failure is
// logged: the regression is resolved either way.
func (d *verifier) learn(ctx context.Context, p store.Proposal, r store.Regression, rec Recovery) {
	if d.o.Learner == nil {
		return
	}
	l := Lesson{Proposal: p, Regression: r,
		Effect: fmt.Sprintf("%s went from %s back to %s after %s merged (%s before the regression, %+.1f%% at it)",
			r.Metric, bot.Num(r.After), bot.Num(rec.Level), p.ID, bot.Num(r.Before), r.Pct)}
	invs, err := d.c.Store.ListInvestigations(ctx, store.ListOptions{Limit: 500})
	if err != nil {
		d.log.WarnContext(ctx, "lesson not learned", "proposal", p.ID, "err", err)
		return
	}
	for i := len(invs) - 1; i >= 0; i-- {
		if invs[i].RegressionID == r.ID && invs[i].Status == store.InvestigationDone {
			l.Investigation = &invs[i]
			break
		}
	}
	if err := d.o.Learner.Learn(ctx, l); err != nil {
		d.log.WarnContext(ctx, "lesson not learned", "proposal", p.ID, "err", err)
		return
	}
	d.log.InfoContext(ctx, "lesson learned", "proposal", p.ID, "regression", r.ID)
}
