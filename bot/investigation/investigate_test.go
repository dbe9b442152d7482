package investigation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/bot/investigation"
	"github.com/wattson-dev/wattson/store"
)

// dismissingInvestigator dismisses the regression while it investigates,
// as a person clicking Dismiss during a long investigation would.
type dismissingInvestigator struct {
	bottest.FixedInvestigator
	st store.Store
}

func (di dismissingInvestigator) Investigate(ctx context.Context, q bot.Question, progress func(bot.Progress)) (bot.Findings, error) {
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

// TestSecondInvestigateWhileOneRunsIsNotStarted clicks Investigate twice
// (two deliveries with different ids, as two clicks are) before the
// worker runs: one investigation, one proposal, and the second click is
// told where to look.
func TestSecondInvestigateWhileOneRunsIsNotStarted(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	r, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if err != nil {
		t.Fatal(err)
	}
	click := func(id string) bot.Message {
		return f.Bot.Handle(ctx, bot.Event{Kind: bot.EventButton, ID: id, Platform: "test", Channel: "C1", User: "UALICE",
			Action: bot.ActionInvestigate, RecordID: r.ID, Thread: r.Thread.MessageID})
	}
	click("c1")
	second := click("c2")
	if !strings.Contains(second.Text, "already being investigated") {
		t.Errorf("second click answered %q, want it told an investigation is running", second.Text)
	}
	if kinds := f.Drain(t); strings.Join(kinds, ",") != investigation.JobInvestigate {
		t.Fatalf("jobs run: %v, want one investigation", kinds)
	}
	invs, _ := f.Store.ListInvestigations(ctx, store.ListOptions{})
	ps, _ := f.Store.ListProposals(ctx, store.ListOptions{})
	if len(invs) != 1 || len(ps) != 1 {
		t.Fatalf("%d investigations and %d proposals, want one each", len(invs), len(ps))
	}
	// Once it finished, investigating again is allowed, and naming the
	// same culprit updates the proposal instead of making a second one.
	click("c3")
	f.Drain(t)
	ps, _ = f.Store.ListProposals(ctx, store.ListOptions{})
	if len(ps) != 1 || ps[0].Version < 2 {
		t.Fatalf("proposals after a second investigation: %+v, want P-1 alone, at a new version", ps)
	}
}

// TestInvestigateServiceAnswersInTheChannel asks about a service, not a
// regression, in channel C1: the thread of the investigation starts
// there, and the findings follow in that thread.
func TestInvestigateServiceAnswersInTheChannel(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, ID: "cmd1", Platform: "test", Channel: "C1", User: "UALICE", Text: "investigate checkout"})
	f.Drain(t)
	posts, _ := f.Chat.Snapshot()
	if len(posts) < 3 {
		t.Fatalf("posts %+v, want a thread head, progress and findings", posts)
	}
	head := posts[0]
	if head.Ref.Channel != "C1" || head.Thread != "" {
		t.Fatalf("thread head %+v, want top level in C1", head)
	}
	for _, p := range posts[1:] {
		if p.Ref.Channel != "C1" || p.Thread != head.Ref.MessageID {
			t.Errorf("post %q in %s under %q, want in C1 under the head", p.Msg.Title, p.Ref.Channel, p.Thread)
		}
	}
}

// failingInvestigator fails after a step that failed.
type failingInvestigator struct{}

func (failingInvestigator) Investigate(_ context.Context, _ bot.Question, progress func(bot.Progress)) (bot.Findings, error) {
	progress(bot.Progress{Text: "profile_diff: no profile of checkout near 2025-06-03", Failed: true})
	return bot.Findings{Steps: []store.Step{{Skill: "profile_diff", Error: "no profile of checkout near 2025-06-03"}}}, errors.New("every step failed")
}

// TestFailedInvestigationPutsTheRegressionBack: a failed investigation
// leaves the regression open again (not "investigating" forever), says so
// in the thread, and the regression can be investigated again.
func TestFailedInvestigationPutsTheRegressionBack(t *testing.T) {
	f := bottest.New(t, bottest.Options{Investigator: failingInvestigator{}})
	ctx := t.Context()
	r, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if err != nil {
		t.Fatal(err)
	}
	f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, ID: "cmd1", Platform: "test", Channel: "C1", User: "UALICE", Text: "investigate " + r.ID})
	f.Drain(t)
	got, _ := f.Store.GetRegression(ctx, r.ID)
	if got.Status != store.RegressionOpen {
		t.Errorf("regression %s after a failed investigation, want open", got.Status)
	}
	posts, _ := f.Chat.Snapshot()
	said := false
	for _, p := range posts {
		if p.Thread == r.Thread.MessageID && strings.Contains(p.Msg.Text, r.ID+" is open again") {
			said = true
		}
	}
	if !said {
		t.Errorf("posts %+v, want the thread told the regression is open again", posts)
	}
	_, updates := f.Chat.Snapshot()
	var last bot.Message
	for _, u := range updates {
		if strings.HasPrefix(u.Msg.Title, "Investigation I-1") {
			last = u.Msg
		}
	}
	if !strings.Contains(last.Text, "✗ profile_diff: no profile") || !strings.Contains(last.Title, "failed") {
		t.Errorf("last progress %+v, want the failed step crossed and the investigation failed", last)
	}
	again := f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, ID: "cmd2", Platform: "test", Channel: "C1", User: "UALICE", Text: "investigate " + r.ID})
	if strings.Contains(again.Text, "already being investigated") {
		t.Errorf("after a failed investigation: %q, want a new one started", again.Text)
	}
}

// TestStartQueuesBeforeAnyPost: the answer to "investigate" comes once
// the job is queued and before anything is posted, so a replica that dies
// after answering loses nothing: the queued job posts the progress
// message, and the findings after it, wherever it runs.
func TestStartQueuesBeforeAnyPost(t *testing.T) {
	f := bottest.New(t, bottest.Options{})
	ctx := t.Context()
	r, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := f.Chat.Snapshot()
	reply := f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, ID: "cmd1", Platform: "test", Channel: "C1", User: "UALICE", Text: "investigate " + r.ID})
	if !strings.Contains(reply.Text, "Investigating "+r.ID+" (I-1)") {
		t.Fatalf("answered %q", reply.Text)
	}
	if posts, _ := f.Chat.Snapshot(); len(posts) != len(before) {
		t.Errorf("%d posts before the job ran, want none: %+v", len(posts)-len(before), posts[len(before):])
	}
	if kinds := f.Drain(t); strings.Join(kinds, ",") != investigation.JobInvestigate {
		t.Fatalf("jobs run: %v, want the investigation", kinds)
	}
	posts, _ := f.Chat.Snapshot()
	var titles []string
	for _, p := range posts[len(before):] {
		if p.Thread != r.Thread.MessageID {
			t.Errorf("%q posted under %q, want the alert's thread", p.Msg.Title, p.Thread)
		}
		titles = append(titles, p.Msg.Title)
	}
	if len(titles) < 2 || !strings.HasPrefix(titles[0], "Investigating (I-1)") || !strings.HasPrefix(titles[1], "Findings (I-1)") {
		t.Errorf("posted %q, want the progress message, then the findings", titles)
	}
}
