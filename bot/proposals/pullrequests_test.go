package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/store"
)

// fakePRs is a PullRequests that records calls; failures makes the next
// calls fail with a rate-limit note. State answers state (open when
// empty) and is not recorded: it is polled.
type fakePRs struct {
	mu       sync.Mutex
	calls    []string
	merge    bool
	failures int
	state    PRResult
}

func (f *fakePRs) call(what string) (PRResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, what)
	if f.failures > 0 {
		f.failures--
		return PRResult{Notes: []string{"GitHub rate limit (429): retried 3 times with backoff"}}, errors.New("github: 429 rate limited")
	}
	return PRResult{}, nil
}

func (f *fakePRs) Open(_ context.Context, p store.Proposal, r store.Regression) (PRResult, error) {
	res, err := f.call("open " + p.ID + " " + r.ID)
	if err != nil {
		return res, err
	}
	return PRResult{URL: "https://github.example/o/r/pull/12", Number: 12, State: "draft", Repo: "o/r"}, nil
}

func (f *fakePRs) Approve(_ context.Context, p store.Proposal) (PRResult, error) {
	res, err := f.call("approve " + p.ID)
	if err != nil {
		return res, err
	}
	if f.merge {
		return PRResult{URL: p.PRURL, Number: p.PRNumber, State: "merged"}, nil
	}
	return PRResult{URL: p.PRURL, Number: p.PRNumber, State: "open"}, nil
}

func (f *fakePRs) Close(_ context.Context, p store.Proposal, reason string) (PRResult, error) {
	if _, err := f.call("close " + p.ID + " " + reason); err != nil {
		return PRResult{}, err
	}
	return PRResult{URL: p.PRURL, Number: p.PRNumber, State: "closed"}, nil
}

func (f *fakePRs) State(_ context.Context, p store.Proposal) (PRResult, error) {
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
type fakeRecovery struct{ rec Recovery }

func (f fakeRecovery) CheckRecovery(context.Context, store.Regression, time.Time) (Recovery, error) {
	return f.rec, nil
}

// withPRs rebuilds the fixture's bot with a code host and a recovery check.
func withPRs(t *testing.T, f fixture, prs PullRequests, rec RecoveryChecker) fixture {
	t.Helper()
	o := f.bot.o
	o.PullRequests, o.Recovery, o.Registerer = prs, rec, prometheus.NewRegistry()
	b, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	f.bot = b
	return f
}

// runJobs works the queue until it is empty and returns the kinds run.
func runJobs(t *testing.T, f fixture) []string {
	t.Helper()
	var kinds []string
	for {
		j, err := f.st.Dequeue(t.Context(), "t", 0)
		if errors.Is(err, store.ErrNoJob) {
			return kinds
		}
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, j.Kind)
		f.bot.work(t.Context(), *j)
	}
}

// investigated alerts, investigates and opens the revert P-1; it returns
// the regression and the shown proposal message.
func investigated(t *testing.T, f fixture) (store.Regression, post) {
	t.Helper()
	ctx := t.Context()
	r, _, err := f.bot.Alert(ctx, AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}
	f.bot.Handle(ctx, Event{Kind: EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "investigate " + r.ID})
	if kinds := strings.Join(runJobs(t, f), ","); kinds != JobInvestigate+","+JobPullRequest {
		t.Fatalf("jobs run: %s", kinds)
	}
	posts, _ := f.chat.snapshot()
	last := posts[len(posts)-1]
	if !strings.HasPrefix(last.msg.Title, "Revert proposal P-1 (v2)") || last.thread != r.Thread.MessageID {
		t.Fatalf("last post %+v, want P-1 v2 in the alert thread", last)
	}
	return r, last
}

func TestApproveActsOnceOnTheCodeHost(t *testing.T) {
	prs := &fakePRs{merge: true}
	f := withPRs(t, newFixture(t), prs, fakeRecovery{Recovery{Ready: true, Recovered: false, Level: 0.0124}})
	ctx := t.Context()
	r, shown := investigated(t, f)
	if !hasField(shown.msg, "Pull request", "https://github.example/o/r/pull/12") {
		t.Fatalf("proposal shown without its pull request: %+v", shown.msg.Fields)
	}
	// A redelivered open job does nothing.
	f.bot.work(ctx, store.Job{ID: "again", Kind: JobPullRequest, Payload: []byte(`{"proposal":"P-1","action":"open","where":{"platform":"test","channel":"#checkout-perf"}}`), Attempts: 1})

	click := Event{Kind: EventButton, ID: "c1", Platform: "test", Channel: "C1", User: "UALICE", Action: ActionApprove, RecordID: "P-1", Version: 2, Thread: shown.ref.MessageID}
	if reply := f.bot.Handle(ctx, click); !strings.Contains(reply.Text, "approved P-1 (v2)") || !strings.Contains(reply.Text, "pull/12") {
		t.Fatalf("approve reply %+v", reply)
	}
	click.ID = "c2" // a second click, a second delivery
	if reply := f.bot.Handle(ctx, click); !strings.Contains(reply.Text, "already approved") {
		t.Fatalf("second approve reply %+v", reply)
	}
	runJobs(t, f)
	f.bot.work(ctx, store.Job{ID: "again2", Kind: JobPullRequest, Payload: []byte(`{"proposal":"P-1","action":"approve","where":{"platform":"test","channel":"#checkout-perf"}}`), Attempts: 1})
	if got := prs.log(); got != "open P-1 R-1; approve P-1" {
		t.Fatalf("code host calls: %s", got)
	}
	p, _ := f.st.GetProposal(ctx, "P-1")
	if p.Status != store.ProposalMerged || p.Repo != "o/r" {
		t.Fatalf("proposal %+v, want merged in o/r", p)
	}
	posts, _ := f.chat.snapshot()
	if last := posts[len(posts)-1]; !strings.Contains(last.msg.Text, "pull/12 is merged") || last.thread != r.Thread.MessageID {
		t.Fatalf("last post %+v", last)
	}

	// The metric did not come back: the regression is reopened.
	f.bot.queueVerifications(ctx)
	f.bot.queueVerifications(ctx) // same tick: queued once
	if kinds := runJobs(t, f); len(kinds) != 1 || kinds[0] != JobVerifyRecovery {
		t.Fatalf("verify jobs: %v", kinds)
	}
	r2, _ := f.st.GetRegression(ctx, r.ID)
	if r2.Status != store.RegressionOpen {
		t.Fatalf("regression %s, want reopened", r2.Status)
	}
	posts, _ = f.chat.snapshot()
	if last := posts[len(posts)-1]; !strings.Contains(last.msg.Text, "did not return to its old level") || !strings.Contains(last.msg.Text, "reopened R-1") {
		t.Fatalf("verify post %+v", last.msg)
	}
}

func TestApproveRetriesAndTellsTheThread(t *testing.T) {
	prs := &fakePRs{}
	f := withPRs(t, newFixture(t), prs, fakeRecovery{Recovery{Ready: true, Recovered: true, Level: 0.0101}})
	ctx := t.Context()
	_, shown := investigated(t, f)
	prs.failures = 1
	click := Event{Kind: EventButton, ID: "c1", Platform: "test", Channel: "C1", User: "UALICE", Action: ActionApprove, RecordID: "P-1", Version: 2, Thread: shown.ref.MessageID}
	f.bot.Handle(ctx, click)
	j, err := f.st.Dequeue(ctx, "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	f.bot.work(ctx, *j) // fails: stays pending
	posts, _ := f.chat.snapshot()
	last := posts[len(posts)-1].msg
	if !strings.Contains(last.Text, "Could not approve P-1 on the code host (attempt 1 of 3)") || !strings.Contains(last.Footer, "rate limit (429)") {
		t.Fatalf("failure post %+v", last)
	}
	j.Attempts++
	f.bot.work(ctx, *j) // the reclaimed delivery succeeds
	if got := prs.log(); got != "open P-1 R-1; approve P-1; approve P-1" {
		t.Fatalf("code host calls: %s", got)
	}
	posts, _ = f.chat.snapshot()
	if last := posts[len(posts)-1].msg; !strings.Contains(last.Text, "is ready for review") {
		t.Fatalf("success post %+v", last)
	}
}

func TestRejectClosesAndRollbackProposes(t *testing.T) {
	prs := &fakePRs{}
	f := withPRs(t, newFixture(t), prs, nil)
	ctx := t.Context()
	r, _ := investigated(t, f)
	reply := f.bot.Handle(ctx, Event{Kind: EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "reject P-1 fixing forward"})
	if !strings.Contains(reply.Text, "rejected P-1: fixing forward") || !strings.Contains(reply.Text, "close") {
		t.Fatalf("reject reply %+v", reply)
	}
	runJobs(t, f)
	if got := prs.log(); got != "open P-1 R-1; close P-1 fixing forward" {
		t.Fatalf("code host calls: %s", got)
	}
	// No revert proposed any more: rollback proposes a new one for the culprit.
	reply = f.bot.Handle(ctx, Event{Kind: EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "rollback " + r.ID})
	if !strings.Contains(reply.Text, "I've proposed P-2, a revert of `abc1234567`") {
		t.Fatalf("rollback reply %+v", reply)
	}
	runJobs(t, f)
	p, _ := f.st.GetProposal(ctx, "P-2")
	if p.PRURL == "" || p.Target != "abc1234567890" || !strings.Contains(p.Body, "regexp.Compile is 30% of CPU") {
		t.Fatalf("rollback proposal %+v", p)
	}
	// Rolling back again approves the revert just shown.
	reply = f.bot.Handle(ctx, Event{Kind: EventCommand, Platform: "test", Channel: "C1", User: "UALICE", Text: "rollback " + r.ID})
	if !strings.Contains(reply.Text, "approved P-2 (v2)") {
		t.Fatalf("second rollback reply %+v", reply)
	}
}

func hasField(m Message, name, value string) bool {
	for _, f := range m.Fields {
		if f.Name == name && f.Value == value {
			return true
		}
	}
	return false
}
