package proposals_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/bot/proposals"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/github"
	"github.com/wattson-dev/wattson/skills/github/githubtest"
	"github.com/wattson-dev/wattson/skills/gitlocal"
	"github.com/wattson-dev/wattson/skills/skillstest"
	"github.com/wattson-dev/wattson/store"
)

// stater reads where a change is: *github.Host or *gitlocal.Repo.
type stater interface {
	State(ctx context.Context, pr skills.PullRequest) (skills.PullRequest, error)
}

// hostPRs is a proposals.PullRequests whose State asks a real code-host adapter
// (skills/github against githubtest, or skills/gitlocal over a clone), as
// cmd/wattson wires it. Open answers change; every action is recorded by
// fakePRs.
type hostPRs struct {
	*fakePRs
	change proposals.PRResult
	host   stater
}

func (h hostPRs) Open(ctx context.Context, p store.Proposal, r store.Regression) (proposals.PRResult, error) {
	if _, err := h.fakePRs.Open(ctx, p, r); err != nil {
		return proposals.PRResult{}, err
	}
	return h.change, nil
}

func (h hostPRs) State(ctx context.Context, p store.Proposal) (proposals.PRResult, error) {
	pr := skills.PullRequest{URL: p.PRURL, Number: p.PRNumber, Commit: p.PRHead}
	if pr.Number == 0 {
		pr.Branch = pr.URL
	}
	got, err := h.host.State(ctx, pr)
	if err != nil {
		return proposals.PRResult{Notes: got.Notes}, err
	}
	res := proposals.PRResult{URL: got.URL, Number: got.Number, Commit: got.Commit, State: string(got.State), MergedAt: got.MergedAt,
		ClosedAt: got.ClosedAt, By: got.MergedBy, Notes: got.Notes}
	if got.State == skills.StateClosed {
		res.By = got.ClosedBy
	}
	return res, nil
}

const ghToken = "ghp_test"

// onGitHub starts a fake GitHub with the draft pull request #1 that Open
// answers, and returns the bot's code host over it. A request GitHub fails
// is tried twice, without waiting.
func onGitHub(t *testing.T) (*githubtest.Server, hostPRs) {
	t.Helper()
	gh := githubtest.New(t, ghToken)
	n := gh.OpenPR("wattson/revert-abc123456789", `Revert "Compile regexp per request"`, true)
	h, err := github.New(github.Options{Owner: "o", Repo: "r", Token: ghToken, BaseURL: gh.URL, Attempts: 2,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return gh, hostPRs{fakePRs: &fakePRs{}, host: h,
		change: proposals.PRResult{URL: "https://github.example/o/r/pull/1", Number: n, State: "draft", Repo: "o/r"}}
}

// tick runs the pull request checks of the fixture's current time and
// every job they lead to, and returns the kinds of jobs run.
func tick(t *testing.T, f *bottest.Fixture) []string {
	t.Helper()
	f.Tick(t, "pr-check")
	return f.Drain(t)
}

func TestMergedOnGitHubByHand(t *testing.T) {
	gh, prs := onGitHub(t)
	f := withPRs(t, bottest.New(t, bottest.Options{}), prs, fakeRecovery{proposals.Recovery{Ready: true, Recovered: true, Level: 0.0101}})
	ctx := t.Context()
	r, shown := investigated(t, f)

	// Still a draft: the check reads it and changes nothing.
	if kinds := tick(t, f); strings.Join(kinds, ",") != proposals.JobPullRequest {
		t.Fatalf("jobs of a tick: %v, want one check", kinds)
	}
	posts, updates := f.Chat.Snapshot()
	if p, _ := f.Store.GetProposal(ctx, "P-1"); p.Status != store.ProposalProposed {
		t.Fatalf("proposal %s after a check of a draft", p.Status)
	}

	mergedAt := time.Date(2025, 6, 4, 11, 58, 0, 0, time.UTC)
	gh.MergeByHand(1, "bob", mergedAt)
	f.Clock.Add(2 * time.Minute)
	f.Replica(t, "replica-2", nil).Tick(t, "pr-check") // a second replica's timer in the same tick: no second check
	if kinds := strings.Join(tick(t, f), ","); kinds != proposals.JobPullRequest+","+proposals.JobVerifyRecovery {
		t.Fatalf("jobs after the merge: %s, want the check then the recovery check", kinds)
	}
	p, _ := f.Store.GetProposal(ctx, "P-1")
	if p.Status != store.ProposalMerged || p.DecidedBy != "bob (GitHub)" || !p.DecidedAt.Equal(mergedAt) {
		t.Fatalf("proposal %+v, want merged by bob (GitHub) at %s", p, mergedAt)
	}
	if at := proposals.MergedAt(*p); !at.Equal(mergedAt) {
		t.Fatalf("mergedAt = %s; want GitHub's merge time %s", at, mergedAt)
	}
	got := f.NewPosts(len(posts))
	if len(got) != 2 || got[0].Thread != r.Thread.MessageID || got[1].Thread != r.Thread.MessageID {
		t.Fatalf("posts after the merge %+v, want the merge and the recovery in the alert thread", got)
	}
	if want := "PR #1 for P-1 was merged on GitHub by bob, not through Wattson. I'll check cpu_per_request after the next deploy."; got[0].Msg.Text != want {
		t.Fatalf("merge bottest.Post %q, want %q", got[0].Msg.Text, want)
	}
	if !strings.Contains(got[1].Msg.Text, "back at its old level") {
		t.Fatalf("recovery bottest.Post %q", got[1].Msg.Text)
	}
	_, updates2 := f.Chat.Snapshot()
	if redrawn := updates2[len(updates):]; len(redrawn) == 0 || redrawn[0].Ref != r.Thread || len(redrawn[0].Msg.Buttons) != 0 {
		t.Fatalf("alert redraws %+v, want the alert redrawn as mitigating without buttons", redrawn)
	}
	if reg, _ := f.Store.GetRegression(ctx, r.ID); reg.Status != store.RegressionResolved {
		t.Fatalf("regression %s, want resolved by the recovery check", reg.Status)
	}

	// Nothing twice: the next tick, a redelivered check and a redelivered
	// approve are silent and leave GitHub alone.
	f.Clock.Add(2 * time.Minute)
	if kinds := tick(t, f); len(kinds) != 0 {
		t.Fatalf("jobs of the next tick: %v, want none", kinds)
	}
	f.Worker.Work(ctx, store.Job{ID: "again", Kind: proposals.JobPullRequest, Payload: []byte(`{"proposal":"P-1","action":"check"}`), Attempts: 1})
	f.Worker.Work(ctx, store.Job{ID: "again2", Kind: proposals.JobPullRequest, Payload: []byte(`{"proposal":"P-1","action":"approve"}`), Attempts: 1})
	if got := f.NewPosts(len(posts)); len(got) != 2 {
		t.Fatalf("%d posts after the merge, want 2: %+v", len(got), got)
	}
	// The proposal's card was redrawn as merged, without buttons; a
	// click on a copy of it that is still on screen is told what
	// happened.
	_, updates3 := f.Chat.Snapshot()
	card := -1
	for i, u := range updates3 {
		if u.Ref == shown.Ref {
			card = i
		}
	}
	if card < 0 || len(updates3[card].Msg.Buttons) != 1 || updates3[card].Msg.Buttons[0].Action != bot.ActionRollback || !strings.Contains(updates3[card].Msg.Footer, "merged by bob (GitHub)") {
		t.Fatalf("proposal card redraws %+v, want it redrawn as merged by bob with only Roll back", updates3)
	}
	click := bot.Event{Kind: bot.EventButton, ID: "late", Platform: "test", Channel: "C1", User: "UALICE", Action: bot.ActionApprove, RecordID: "P-1", Version: 1, Thread: shown.Ref.MessageID}
	if reply := f.Bot.Handle(ctx, click); !strings.Contains(reply.Text, "P-1 is already merged by bob (GitHub)") {
		t.Fatalf("late approve %+v", reply)
	}
	if calls := gh.Calls("GET /repos/o/r/pulls/1"); calls != 2 {
		t.Fatalf("%d reads of the pull request, want 2", calls)
	}
	if log := prs.log(); log != "open P-1 R-1" {
		t.Fatalf("code-host actions %q, want only the open", log)
	}
}

func TestClosedOnGitHubByHand(t *testing.T) {
	gh, prs := onGitHub(t)
	f := withPRs(t, bottest.New(t, bottest.Options{}), prs, fakeRecovery{proposals.Recovery{Ready: true, Recovered: true}})
	ctx := t.Context()
	r, shown := investigated(t, f)
	// Approved in Wattson (ready for review, the regression in mitigation),
	// then closed on GitHub.
	f.Bot.Handle(ctx, bot.Event{Kind: bot.EventButton, ID: "c1", Platform: "test", Channel: "C1", User: "UALICE", Action: bot.ActionApprove, RecordID: "P-1", Version: 1, Thread: shown.Ref.MessageID})
	f.Drain(t)
	if reg, _ := f.Store.GetRegression(ctx, r.ID); reg.Status != store.RegressionMitigating {
		t.Fatalf("regression %s after the approval, want mitigating", reg.Status)
	}
	posts, _ := f.Chat.Snapshot()
	closedAt := time.Date(2025, 6, 4, 11, 30, 0, 0, time.UTC)
	gh.CloseByHand(1, "bob", closedAt)
	if kinds := tick(t, f); strings.Join(kinds, ",") != proposals.JobPullRequest {
		t.Fatalf("jobs after the close: %v, want one check and no recovery check", kinds)
	}
	p, _ := f.Store.GetProposal(ctx, "P-1")
	if p.Status != store.ProposalRejected || p.DecidedBy != "bob (GitHub)" || !p.DecidedAt.Equal(closedAt) ||
		!strings.Contains(p.Reason, "closed on GitHub by bob without merging") {
		t.Fatalf("proposal %+v, want rejected by bob on GitHub at %s", p, closedAt)
	}
	if reg, _ := f.Store.GetRegression(ctx, r.ID); reg.Status != store.RegressionOpen {
		t.Fatalf("regression %s, want open again: nothing mitigates it", reg.Status)
	}
	got := f.NewPosts(len(posts))
	if want := "PR #1 for P-1 was closed on GitHub by bob without merging, so P-1 is rejected. R-1 is open again."; len(got) != 1 || got[0].Msg.Text != want {
		t.Fatalf("posts after the close %+v, want %q", got, want)
	}
	evs, _ := f.Store.ListAudit(ctx, "P-1", 0)
	if last := evs[len(evs)-1]; last.Action != "pr.check" || last.Detail != "closed https://github.example/o/r/pull/1 by bob" || !last.At.Equal(closedAt) {
		t.Fatalf("last audit %+v, want the close", last)
	}
	f.Clock.Add(2 * time.Minute)
	if kinds := tick(t, f); len(kinds) != 0 {
		t.Fatalf("jobs of the next tick: %v, want none", kinds)
	}
	if got := f.NewPosts(len(posts)); len(got) != 1 {
		t.Fatalf("%d posts after the close, want 1", len(got))
	}
}

func TestGitHubOutageIsRetriedNextTick(t *testing.T) {
	gh, prs := onGitHub(t)
	f := withPRs(t, bottest.New(t, bottest.Options{}), prs, fakeRecovery{proposals.Recovery{Ready: false}})
	ctx := t.Context()
	investigated(t, f)
	posts, _ := f.Chat.Snapshot()
	gh.MergeByHand(1, "bob", time.Date(2025, 6, 4, 11, 58, 0, 0, time.UTC))
	gh.Fail(githubtest.Fault{Match: "GET /repos/o/r/pulls/1", Status: http.StatusBadGateway, Times: 2})

	if kinds := tick(t, f); strings.Join(kinds, ",") != proposals.JobPullRequest {
		t.Fatalf("jobs during the outage: %v, want one check, acknowledged", kinds)
	}
	if p, _ := f.Store.GetProposal(ctx, "P-1"); p.Status != store.ProposalProposed {
		t.Fatalf("proposal %s after a failed read, want proposed", p.Status)
	}
	if evs, _ := f.Store.ListAudit(ctx, "P-1", 0); evs[len(evs)-1].Action == "pr.check" {
		t.Fatalf("a failed read was audited: %+v", evs[len(evs)-1])
	}
	if got := f.NewPosts(len(posts)); len(got) != 0 {
		t.Fatalf("posts during the outage %+v, want none", got)
	}

	f.Clock.Add(2 * time.Minute)
	if kinds := strings.Join(tick(t, f), ","); kinds != proposals.JobPullRequest+","+proposals.JobVerifyRecovery {
		t.Fatalf("jobs after the outage: %s", kinds)
	}
	if p, _ := f.Store.GetProposal(ctx, "P-1"); p.Status != store.ProposalMerged {
		t.Fatalf("proposal %s after the outage, want merged", p.Status)
	}
	if got := f.NewPosts(len(posts)); len(got) != 1 || !strings.Contains(got[0].Msg.Text, "was merged on GitHub by bob") {
		t.Fatalf("posts after the outage %+v, want the merge once", got)
	}
}

func TestHandMergeToldOnceAcrossReplicas(t *testing.T) {
	for name, pair := range bottest.Pairs() {
		t.Run(name, func(t *testing.T) {
			gh, prs := onGitHub(t)
			f, other := pair(t, withPRs(t, bottest.New(t, bottest.Options{}), prs, nil))
			ctx := t.Context()
			investigated(t, f)
			posts, _ := f.Chat.Snapshot()
			gh.MergeByHand(1, "bob", time.Date(2025, 6, 4, 11, 58, 0, 0, time.UTC))
			f.Tick(t, "pr-check")
			other.Tick(t, "pr-check") // the same tick on the other replica: not queued again
			var wg sync.WaitGroup
			for _, b := range []*bottest.Fixture{f, other} {
				wg.Go(func() {
					if err := proposals.RunPRCheck(b.Proposals, ctx, "P-1"); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if kinds := f.Drain(t); strings.Join(kinds, ",") != proposals.JobPullRequest {
				t.Fatalf("queued jobs %v, want the one check", kinds)
			}
			got := f.NewPosts(len(posts))
			if len(got) != 1 || !strings.Contains(got[0].Msg.Text, "was merged on GitHub by bob, not through Wattson.") {
				t.Fatalf("posts %+v, want the merge told once (no recovery check configured)", got)
			}
			if evs, _ := f.Store.ListAudit(ctx, "P-1", 0); bottest.CountAction(evs, "pr.check") != 1 {
				t.Fatalf("audit %+v, want one pr.check", evs)
			}
		})
	}
}

// TestBranchMergedInLocalCloneByHand merges the branch by hand and then
// deletes it: the head recorded when it was opened still shows it merged.
func TestBranchMergedInLocalCloneByHand(t *testing.T) {
	const branch = "wattson/revert-abc123456789"
	repo := skillstest.NewRepo(t)
	repo.Commit("initial", map[string]string{"price.go": "package x // fast\n"})
	gitHand(t, repo.Dir, time.Now(), "checkout", "--quiet", "-b", branch)
	head := repo.Commit(`Revert "Compile regexp per request"`, map[string]string{"price.go": "package x // fast again\n"})
	gitHand(t, repo.Dir, time.Now(), "checkout", "--quiet", "main")
	prs := hostPRs{fakePRs: &fakePRs{}, host: gitlocal.New(repo.Dir), change: proposals.PRResult{URL: branch, Commit: head, State: "branch", Repo: repo.Dir}}
	f := withPRs(t, bottest.New(t, bottest.Options{}), prs, fakeRecovery{proposals.Recovery{Ready: false}})
	ctx := t.Context()
	r, _ := investigated(t, f)
	posts, _ := f.Chat.Snapshot()

	tick(t, f)
	if p, _ := f.Store.GetProposal(ctx, "P-1"); p.Status != store.ProposalProposed {
		t.Fatalf("proposal %s while the branch is unmerged", p.Status)
	}
	mergedAt := time.Date(2025, 6, 4, 11, 0, 0, 0, time.UTC)
	gitHand(t, repo.Dir, mergedAt, "merge", "--quiet", "--no-ff", "--no-edit", branch)
	gitHand(t, repo.Dir, time.Now(), "branch", "--quiet", "-d", branch) // tidied away after the merge
	f.Clock.Add(2 * time.Minute)
	if kinds := strings.Join(tick(t, f), ","); kinds != proposals.JobPullRequest+","+proposals.JobVerifyRecovery {
		t.Fatalf("jobs after the merge: %s", kinds)
	}
	p, _ := f.Store.GetProposal(ctx, "P-1")
	if p.Status != store.ProposalMerged || p.DecidedBy != "git" {
		t.Fatalf("proposal %+v, want merged by git", p)
	}
	if at := proposals.MergedAt(*p); !at.Equal(mergedAt) {
		t.Fatalf("mergedAt %s, want the merge commit's time %s", at, mergedAt)
	}
	if reg, _ := f.Store.GetRegression(ctx, r.ID); reg.Status != store.RegressionMitigating {
		t.Fatalf("regression %s, want mitigating until a deploy shows recovery", reg.Status)
	}
	want := "Branch " + branch + " for P-1 was merged in the local clone, not through Wattson. I'll check cpu_per_request after the next deploy."
	if got := f.NewPosts(len(posts)); len(got) != 1 || got[0].Msg.Text != want {
		t.Fatalf("posts %+v, want %q", got, want)
	}
}

// gitHand runs git in dir as a person would by hand, committing at date.
func gitHand(t *testing.T, dir string, date time.Time, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	d := date.Format(time.RFC3339)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Bob", "GIT_AUTHOR_EMAIL=bob@example.com", "GIT_COMMITTER_NAME=Bob",
		"GIT_COMMITTER_EMAIL=bob@example.com", "GIT_AUTHOR_DATE="+d, "GIT_COMMITTER_DATE="+d, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %v: %v: %s", args, err, errb.String())
	}
}
