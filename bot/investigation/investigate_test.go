package bot

import (
	"context"
	"testing"

	"github.com/wattson-dev/wattson/store"
)

// dismissingInvestigator dismisses the regression while it investigates,
// as a person clicking Dismiss during a long investigation would.
type dismissingInvestigator struct {
	fixedInvestigator
	st store.Store
}

func (di dismissingInvestigator) Investigate(ctx context.Context, q Question, progress func(string)) (Findings, error) {
	r, err := di.st.GetRegression(ctx, q.RegressionID)
	if err != nil {
		return Findings{}, err
	}
	r.Status = store.RegressionDismissed
	if err := di.st.UpdateRegression(ctx, r); err != nil {
		return Findings{}, err
	}
	return di.fixedInvestigator.Investigate(ctx, q, progress)
}

func TestInvestigationKeepsADecisionMadeMeanwhile(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.bot.o.Investigator = dismissingInvestigator{f.bot.o.Investigator.(fixedInvestigator), f.st}
	r, _, err := f.bot.Alert(ctx, AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}
	f.bot.Handle(ctx, Event{Kind: EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "investigate " + r.ID})
	runJobs(t, f)
	got, err := f.st.GetRegression(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.RegressionDismissed || got.Cores != 1.5 {
		t.Errorf("regression %s with %g cores, want the dismissal kept and the investigation's 1.5 cores recorded", got.Status, got.Cores)
	}
}
