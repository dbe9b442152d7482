package proposals_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/bot/proposals"
)

// recordingLearner keeps the lessons it is taught.
type recordingLearner struct {
	mu      sync.Mutex
	lessons []proposals.Lesson
}

func (l *recordingLearner) Learn(_ context.Context, les proposals.Lesson) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lessons = append(l.lessons, les)
	return nil
}

// TestVerifiedFixIsLearned: a merged revert whose regression recovered is
// handed to the learner once, with the investigation and the effect.
func TestVerifiedFixIsLearned(t *testing.T) {
	f := withPRs(t, bottest.New(t, bottest.Options{}), &fakePRs{merge: true}, fakeRecovery{proposals.Recovery{Ready: true, Recovered: true, Level: 0.0101}})
	learner := &recordingLearner{}
	f = f.With(t, func(o *bottest.Options) { o.Learner = learner })
	ctx := t.Context()
	_, shown := investigated(t, f)
	click := bot.Event{Kind: bot.EventButton, ID: "c1", Platform: "test", Channel: "C1", User: "UALICE", Action: bot.ActionApprove, RecordID: "P-1", Version: 1, Thread: shown.Ref.MessageID}
	f.Bot.Handle(ctx, click)
	f.Drain(t)
	for range 2 { // a second check finds the regression resolved
		if err := f.Proposals.QueueVerify(ctx, "P-1"); err != nil {
			t.Fatal(err)
		}
		f.Drain(t)
	}
	if len(learner.lessons) != 1 {
		t.Fatalf("%d lessons, want 1", len(learner.lessons))
	}
	les := learner.lessons[0]
	if les.Proposal.ID != "P-1" || les.Regression.ID != "R-1" || les.Investigation == nil || len(les.Investigation.Steps) == 0 ||
		!strings.Contains(les.Effect, "back to 0.0101 after P-1 merged") {
		t.Errorf("lesson %+v", les)
	}
}
