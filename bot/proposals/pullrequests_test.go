package proposals_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/bot/investigation"
	"github.com/wattson-dev/wattson/bot/proposals"
	"github.com/wattson-dev/wattson/store"
)

// fakePRs is a proposals.PullRequests that records calls; failures makes the next
// calls fail with a rate-limit note. State answers state (open when
// empty) and is not recorded: it is polled.
type fakePRs struct {
	mu       sync.Mutex
	calls    []string
	merge    bool
	failures int
	state    proposals.PRResult
}

func (f *fakePRs) call(what string) (proposals.PRResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, what)
	if f.failures > 0 {
		f.failures--
		return proposals.PRResult{Notes: []string{"GitHub rate limit (429): retried 3 times with backoff"}}, errors.New("github: 429 rate limited")
	}
	return proposals.PRResult{}, nil
}

func (f *fakePRs) Open(_ context.Context, p store.Proposal, r store.Regression) (proposals.PRResult, error) {
	res, err := f.call("open " + p.ID + " " + r.ID)
	if err != nil {
		return res, err
	}
	return proposals.PRResult{URL: "https://github.example/o/r/pull/12", Number: 12, State: "draft", Repo: "o/r"}, nil
}

func (f *fakePRs) Approve(_ context.Context, p store.Proposal) (proposals.PRResult, error) {
	res, err := f.call("approve " + p.ID)
	if err != nil {
		return res, err
	}
	if f.merge {
		return proposals.PRResult{URL: p.PRURL, Number: p.PRNumber, State: "merged"}, nil
	}
	return proposals.PRResult{URL: p.PRURL, Number: p.PRNumber, State: "open"}, nil
}

func (f *fakePRs) Close(_ context.Context, p store.Proposal, reason string) (proposals.PRResult, error) {
	if _, err := f.call("close " + p.ID + " " + reason); err != nil {
		return proposals.PRResult{}, err
	}
	return proposals.PRResult{URL: p.PRURL, Number: p.PRNumber, State: "closed"}, nil
}

func (f *fakePRs) State(_ context.Context, p store.Proposal) (proposals.PRResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	res := f.state
	if res.State == "" {
		res.State = "open"
	}
	res.URL, res.Number = p.PRURL, p.PRNumber
	return res, nil
}

func (f *fakePRs) log() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.calls, "; ")
}

// fakeRecovery answers every check the same way.
type fakeRecovery struct{ rec proposals.Recovery }

func (f fakeRecovery) CheckRecovery(context.Context, store.Regression, time.Time) (proposals.Recovery, error) {
	return f.rec, nil
}

// withPRs rebuilds the fixture's bot with a code host and a recovery check.
func withPRs(t *testing.T, f *bottest.Fixture, prs proposals.PullRequests, rec proposals.RecoveryChecker) *bottest.Fixture {
	t.Helper()
	return f.With(t, func(o *bottest.Options) { o.PullRequests, o.Recovery = prs, rec })
}

// investigated alerts, investigates and opens the revert P-1; it returns
// the regression and the shown proposal message.
func investigated(t *testing.T, f *bottest.Fixture) (store.Regression, bottest.Post) {
	t.Helper()
	ctx := t.Context()
	r, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: bottest.Regression()})
	if err != nil {
		t.Fatal(err)
	}
	f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "investigate " + r.ID})
	if kinds := strings.Join(f.Drain(t), ","); kinds != investigation.JobInvestigate+","+proposals.JobPullRequest {
		t.Fatalf("jobs run: %s", kinds)
	}
	posts, _ := f.Chat.Snapshot()
	last := posts[len(posts)-1]
	if !strings.HasPrefix(last.Msg.Title, "Revert proposal P-1 (v1)") || last.Thread != r.Thread.MessageID {
		t.Fatalf("last bottest.Post %+v, want P-1 v1 in the alert thread", last)
	}
	return r, last
}

func TestApproveActsOnceOnTheCodeHost(t *testing.T) {
	prs := &fakePRs{merge: true}
	f := withPRs(t, bottest.New(t, bottest.Options{}), prs, fakeRecovery{proposals.Recovery{Ready: true, Recovered: false, Level: 0.0124}})
	ctx := t.Context()
	r, shown := investigated(t, f)
	if !slices.Contains(shown.Msg.Links, bot.Link{Label: "Pull request #12", URL: "https://github.example/o/r/pull/12"}) ||
		!slices.Contains(shown.Msg.Links, bot.Link{Label: "Commit abc1234567", URL: "https://github.com/o/r/commit/abc1234567890"}) {
		t.Fatalf("proposal shown without links to its pull request and commit: %+v", shown.Msg.Links)
	}
	// A redelivered open job does nothing.
	f.Worker.Work(ctx, store.Job{ID: "again", Kind: proposals.JobPullRequest, Payload: []byte(`{"proposal":"P-1","action":"open","where":{"platform":"test","channel":"#checkout-perf"}}`), Attempts: 1})

	click := bot.Event{Kind: bot.EventButton, ID: "c1", Platform: "test", Channel: "C1", User: "UALICE", Action: bot.ActionApprove, RecordID: "P-1", Version: 1, Thread: shown.Ref.MessageID}
	f.Bot.Handle(ctx, click)
	if i, p := said(f, r.Thread.MessageID, "approved P-1 (v1)"); i < 0 || !strings.Contains(p.Msg.Text, "pull/12") {
		t.Fatalf("approval told as %+v", p)
	}
	click.ID = "c2" // a second click, a second delivery
	if reply := f.Bot.Handle(ctx, click); !strings.Contains(reply.Text, "already approved") {
		t.Fatalf("second approve reply %+v", reply)
	}
	f.Drain(t)
	f.Worker.Work(ctx, store.Job{ID: "again2", Kind: proposals.JobPullRequest, Payload: []byte(`{"proposal":"P-1","action":"approve","where":{"platform":"test","channel":"#checkout-perf"}}`), Attempts: 1})
	if got := prs.log(); got != "open P-1 R-1; approve P-1" {
		t.Fatalf("code host calls: %s", got)
	}
	p, _ := f.Store.GetProposal(ctx, "P-1")
	if p.Status != store.ProposalMerged || p.Repo != "o/r" {
		t.Fatalf("proposal %+v, want merged in o/r", p)
	}
	posts, _ := f.Chat.Snapshot()
	if last := posts[len(posts)-1]; !strings.Contains(last.Msg.Text, "pull/12 is merged") || last.Thread != r.Thread.MessageID {
		t.Fatalf("last bottest.Post %+v", last)
	}

	// The metric did not come back: the regression is reopened.
	f.Tick(t, "verify")
	f.Replica(t, "replica-2", nil).Tick(t, "verify") // same tick on another replica: queued once
	if kinds := f.Drain(t); len(kinds) != 1 || kinds[0] != proposals.JobVerifyRecovery {
		t.Fatalf("verify jobs: %v", kinds)
	}
	r2, _ := f.Store.GetRegression(ctx, r.ID)
	if r2.Status != store.RegressionOpen {
		t.Fatalf("regression %s, want reopened", r2.Status)
	}
	posts, _ = f.Chat.Snapshot()
	if last := posts[len(posts)-1]; !strings.Contains(last.Msg.Text, "did not return to its old level") || !strings.Contains(last.Msg.Text, "reopened R-1") {
		t.Fatalf("verify bottest.Post %+v", last.Msg)
	}
}

func TestApproveRetriesAndTellsTheThread(t *testing.T) {
	prs := &fakePRs{}
	f := withPRs(t, bottest.New(t, bottest.Options{}), prs, fakeRecovery{proposals.Recovery{Ready: true, Recovered: true, Level: 0.0101}})
	ctx := t.Context()
	_, shown := investigated(t, f)
	prs.failures = 1
	click := bot.Event{Kind: bot.EventButton, ID: "c1", Platform: "test", Channel: "C1", User: "UALICE", Action: bot.ActionApprove, RecordID: "P-1", Version: 1, Thread: shown.Ref.MessageID}
	f.Bot.Handle(ctx, click)
	j, err := f.Store.Dequeue(ctx, "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Worker.Work(ctx, *j) // fails: stays pending
	posts, _ := f.Chat.Snapshot()
	last := posts[len(posts)-1].Msg
	if !strings.Contains(last.Text, "Could not approve P-1 on the code host (attempt 1 of 3)") || !strings.Contains(last.Footer, "rate limit (429)") {
		t.Fatalf("failure bottest.Post %+v", last)
	}
	j.Attempts++
	f.Worker.Work(ctx, *j) // the reclaimed delivery succeeds
	if got := prs.log(); got != "open P-1 R-1; approve P-1; approve P-1" {
		t.Fatalf("code host calls: %s", got)
	}
	posts, _ = f.Chat.Snapshot()
	if last := posts[len(posts)-1].Msg; !strings.Contains(last.Text, "is ready for review") {
		t.Fatalf("success bottest.Post %+v", last)
	}
}

func TestRejectClosesAndRollbackProposes(t *testing.T) {
	prs := &fakePRs{}
	f := withPRs(t, bottest.New(t, bottest.Options{}), prs, nil)
	ctx := t.Context()
	r, _ := investigated(t, f)
	f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "reject P-1 fixing forward"})
	if i, p := said(f, r.Thread.MessageID, "rejected P-1: fixing forward"); i < 0 || !strings.Contains(p.Msg.Text, "close") {
		t.Fatalf("rejection told as %+v", p)
	}
	f.Drain(t)
	if got := prs.log(); got != "open P-1 R-1; close P-1 fixing forward" {
		t.Fatalf("code host calls: %s", got)
	}
	// No revert proposed any more: rollback proposes a new one for the culprit.
	reply := f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "rollback " + r.ID})
	if !strings.Contains(reply.Text, "I've proposed P-2, a revert of `abc1234567`") {
		t.Fatalf("rollback reply %+v", reply)
	}
	f.Drain(t)
	p, _ := f.Store.GetProposal(ctx, "P-2")
	if p.PRURL == "" || p.Target != "abc1234567890" || !strings.Contains(p.Body, "regexp.Compile is 30% of CPU") {
		t.Fatalf("rollback proposal %+v", p)
	}
	// Rolling back again approves the revert just shown.
	f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "rollback " + r.ID})
	if i, _ := said(f, r.Thread.MessageID, "approved P-2 (v1)"); i < 0 {
		t.Fatal("second rollback: the approval of P-2 not told")
	}
}

// said returns the index and post of the first post in thread whose text
// contains text, or -1.
func said(f *bottest.Fixture, thread, text string) (int, bottest.Post) {
	posts, _ := f.Chat.Snapshot()
	for i, p := range posts {
		if p.Thread == thread && strings.Contains(p.Msg.Text, text) {
			return i, p
		}
	}
	return -1, bottest.Post{}
}

// TestDecisionToldBeforeItsJob: the thread hears of an approval before
// anything the job it queued says (the merge).
func TestDecisionToldBeforeItsJob(t *testing.T) {
	prs := &fakePRs{merge: true}
	f := withPRs(t, bottest.New(t, bottest.Options{}), prs, nil)
	ctx := t.Context()
	r, shown := investigated(t, f)
	f.Bot.Handle(ctx, bot.Event{Kind: bot.EventButton, ID: "c1", Platform: "test", Channel: "C1", User: "UALICE",
		Action: bot.ActionApprove, RecordID: "P-1", Version: 1, Thread: shown.Ref.MessageID})
	f.Drain(t)
	approved, _ := said(f, r.Thread.MessageID, "approved P-1 (v1)")
	merged, _ := said(f, r.Thread.MessageID, "pull/12 is merged")
	if approved < 0 || merged < 0 || approved > merged {
		posts, _ := f.Chat.Snapshot()
		t.Fatalf("approval told at %d and merge at %d in the thread, want the approval first: %+v", approved, merged, posts)
	}
}

// TestRejectLeavesAnotherProposalsChangeAlone: two regressions name the
// same culprit, so their reverts share one pull request; rejecting one
// proposal does not close the change the other still proposes, and the
// other stays as it was.
func TestRejectLeavesAnotherProposalsChangeAlone(t *testing.T) {
	prs := &fakePRs{}
	f := withPRs(t, bottest.New(t, bottest.Options{}), prs, nil)
	ctx := t.Context()
	investigated(t, f)
	r2 := bottest.Regression()
	r2.Fingerprint, r2.Metric = "other", "latency_p99"
	second, _, err := f.Bot.Alert(ctx, bot.AlertInput{Regression: r2})
	if err != nil {
		t.Fatal(err)
	}
	f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, ID: "i2", Platform: "test", Channel: "C1", User: "UALICE", Text: "investigate " + second.ID})
	f.Drain(t)
	p2, err := f.Store.GetProposal(ctx, "P-2")
	if err != nil || p2.PRURL == "" {
		t.Fatalf("second proposal %+v, %v", p2, err)
	}
	f.Bot.Handle(ctx, bot.Event{Kind: bot.EventCommand, ID: "rj", Platform: "test", Channel: "C1", User: "UALICE", Text: "reject P-1 not this one"})
	f.Drain(t)
	if got := prs.log(); strings.Contains(got, "close") {
		t.Errorf("code host calls %q: the change P-2 still proposes was closed", got)
	}
	if p2, _ = f.Store.GetProposal(ctx, "P-2"); p2.Status != store.ProposalProposed {
		t.Errorf("P-2 is %s after P-1 was rejected, want proposed", p2.Status)
	}
	f.Clock.Add(2 * time.Minute)
	f.Tick(t, "pr-check")
	f.Drain(t)
	if p2, _ = f.Store.GetProposal(ctx, "P-2"); p2.Status != store.ProposalProposed {
		t.Errorf("P-2 is %s after the next pull request check, want proposed", p2.Status)
	}
}
