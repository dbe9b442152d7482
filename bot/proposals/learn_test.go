package bot

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// recordingLearner keeps the lessons it is taught.
type recordingLearner struct {
	mu      sync.Mutex
	lessons []Lesson
}

func (l *recordingLearner) Learn(_ context.Context, les Lesson) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lessons = append(l.lessons, les)
	return nil
}

// TestVerifiedFixIsLearned: a merged revert whose regression recovered is
// handed to the learner once, with the investigation and the effect.
func TestVerifiedFixIsLearned(t *testing.T) {
	f := withPRs(t, newFixture(t), &fakePRs{merge: true}, fakeRecovery{Recovery{Ready: true, Recovered: true, Level: 0.0101}})
	learner := &recordingLearner{}
	o := f.bot.o
	o.Learner, o.Registerer = learner, prometheus.NewRegistry()
	b, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	f.bot = b
	ctx := t.Context()
	_, shown := investigated(t, f)
	click := Event{Kind: EventButton, ID: "c1", Platform: "test", Channel: "C1", User: "UALICE", Action: ActionApprove, RecordID: "P-1", Version: 2, Thread: shown.ref.MessageID}
	f.bot.Handle(ctx, click)
	runJobs(t, f)
	for range 2 { // a second check finds the regression resolved
		if err := f.bot.QueueVerify(ctx, "P-1"); err != nil {
			t.Fatal(err)
		}
		runJobs(t, f)
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
