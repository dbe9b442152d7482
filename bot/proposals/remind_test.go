package proposals_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/store"
)

// reminders are the reminders posted about P-1.
func reminders(f *bottest.Fixture) []bottest.Post {
	posts, _ := f.Chat.Snapshot()
	var out []bottest.Post
	for _, p := range posts {
		if strings.Contains(p.Msg.Text, "P-1 (v1) has waited") {
			out = append(out, p)
		}
	}
	return out
}

// TestWaitingProposalIsRemindedOncePerWait: P-1 waits for a decision.
// Before four hours nobody is reminded; after them its approvers are,
// once, in the alert's thread, however many ticks and replicas look;
// four hours later they are reminded again; once P-1 is decided, never.
func TestWaitingProposalIsRemindedOncePerWait(t *testing.T) {
	f := withPRs(t, bottest.New(t, bottest.Options{RemindAfter: 4 * time.Hour}), &fakePRs{}, nil)
	r, _ := investigated(t, f)
	other := f.Replica(t, "replica-2", nil)
	tick := func() {
		f.Tick(t, "remind")
		other.Tick(t, "remind")
		f.Clock.Add(time.Minute) // the next tick
		other.Tick(t, "remind")
	}
	for _, tc := range []struct {
		after time.Duration
		want  int
	}{
		{3*time.Hour + 50*time.Minute, 0},
		{15 * time.Minute, 1}, // 4h05m: reminded
		{2 * time.Hour, 1},    // not again within the wait
		{2 * time.Hour, 2},    // 8h05m+: the second wait is over
	} {
		f.Clock.Add(tc.after)
		tick()
		got := reminders(f)
		if len(got) != tc.want {
			t.Fatalf("at %s: %d reminders, want %d", f.Clock.Now().Format(time.Kitchen), len(got), tc.want)
		}
	}
	first := reminders(f)[0]
	if first.Thread != r.Thread.MessageID {
		t.Errorf("reminder in thread %q, want the alert's %q", first.Thread, r.Thread.MessageID)
	}
	for _, want := range []string{"<@UALICE>", "SPERF", "has waited 4 hours", "/wattson approve P-1"} {
		if !strings.Contains(first.Msg.Text, want) {
			t.Errorf("reminder %q lacks %q", first.Msg.Text, want)
		}
	}
	p, _ := f.Store.GetProposal(t.Context(), "P-1")
	if p.RemindedAt.IsZero() {
		t.Errorf("P-1's RemindedAt is not stored")
	}

	f.Bot.Handle(t.Context(), bot.Event{Kind: bot.EventCommand, ID: "rej", Platform: "test", Channel: "C1", User: "UALICE", Text: "reject P-1 not now"})
	if p, _ := f.Store.GetProposal(t.Context(), "P-1"); p.Status != store.ProposalRejected {
		t.Fatalf("P-1 %s, want rejected", p.Status)
	}
	f.Clock.Add(10 * time.Hour)
	tick()
	if n := len(reminders(f)); n != 2 {
		t.Errorf("%d reminders after the decision, want still 2", n)
	}
}

func TestNoRemindersUnlessConfigured(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	for _, j := range f.Proposals.Periodic() {
		if j.Name == "remind" {
			t.Fatalf("a remind job without RemindAfter: %+v", j)
		}
	}
}
