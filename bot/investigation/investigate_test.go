package investigation_test

import (
	"context"
	"testing"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/store"
)

// dismissingInvestigator dismisses the regression while it investigates,
// as a person clicking Dismiss during a long investigation would.
type dismissingInvestigator struct {
	bottest.FixedInvestigator
	st store.Store
}

func (di dismissingInvestigator) Investigate(ctx context.Context, q bot.Question, progress func(string)) (bot.Findings, error) {
	r, err := di.st.GetRegression(ctx, q.RegressionID)
	if err != nil {
		return bot.Findings{}, err
	}
	r.Status = store.RegressionDismissed
	if err := di.st.UpdateRegression(ctx, r); err != nil {
		return bot.Findings{}, err
	}
	return di.FixedInvestigator.Investigate(ctx, q, progress)
}

func TestInvestigationKeepsADecisionMadeMeanwhile(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	f = f.With(t, func(o *bottest.Options) {
		o.Investigator = dismissingInvestigator{bottest.FixedInvestigator{F: bottest.Culprit()}, f.Store}
	})
	ctx := t.Context()
	r, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if err != nil {
		t.Fatal(err)
	}
	f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "investigate " + r.ID})
	f.Drain(t)
	got, err := f.Store.GetRegression(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.RegressionDismissed || got.Cores != 1.5 {
		t.Errorf("regression %s with %g cores, want the dismissal kept and the investigation's 1.5 cores recorded", got.Status, got.Cores)
	}
}
