package propose

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/github"
	"github.com/wattson-dev/wattson/skills/github/githubtest"
)

var (
	_ Host = (*github.Host)(nil)
	_ Host = (*fakeHost)(nil)
)

const ghToken = "ghp_SECRET_hosts_token_0123456789abcdef"

func gitHubHosts(t *testing.T, gh *githubtest.Server) *Hosts {
	t.Helper()
	h, err := github.New(github.Options{Owner: "o", Repo: "r", Token: ghToken, BaseURL: gh.URL,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return &Hosts{Repos: map[string]Host{"o/r": h}, ByService: map[string]string{"checkout": "o/r"}}
}

func TestStateReadsAPullRequestMergedOrClosedByHand(t *testing.T) {
	gh := githubtest.New(t, ghToken)
	n := gh.OpenPR("wattson/revert-abc123456789", "Revert", true)
	h := gitHubHosts(t, gh)
	c := Change{ID: "P-1", Repo: "o/r", URL: "https://github.example/o/r/pull/1", Number: n}
	res, err := h.State(t.Context(), c)
	if err != nil || res.State != "draft" || res.Repo != "o/r" {
		t.Fatalf("State of the draft = %+v, %v", res, err)
	}
	at := time.Date(2025, 6, 5, 9, 30, 0, 0, time.UTC)
	gh.MergeByHand(n, "bob", at)
	res, err = h.State(t.Context(), c)
	if err != nil || res.State != "merged" || res.By != "bob" || !res.MergedAt.Equal(at) || res.Number != n {
		t.Fatalf("State after the merge = %+v, %v; want merged by bob at %s", res, err, at)
	}
	if gh.Calls("PUT /repos/o/r/pulls/1/merge") != 0 || gh.Calls("PATCH /repos/o/r/pulls/1") != 0 {
		t.Fatal("State acted on the pull request")
	}

	m := gh.OpenPR("wattson/revert-def123456789", "Revert", false)
	gh.CloseByHand(m, "carol", at)
	q := Change{ID: "P-2", Repo: "o/r", URL: "https://github.example/o/r/pull/2", Number: m}
	res, err = h.State(t.Context(), q)
	if err != nil || res.State != "closed" || res.By != "carol" || !res.ClosedAt.Equal(at) {
		t.Fatalf("State after the close = %+v, %v; want closed by carol at %s", res, err, at)
	}
}

// fakeHost records what it is asked to do.
type fakeHost struct {
	calls  []string
	revert skills.RevertRequest
	err    error
	build  *skills.BuildResult
}

func (f *fakeHost) Revert(_ context.Context, req skills.RevertRequest) (skills.PullRequest, error) {
	f.calls, f.revert = append(f.calls, "revert"), req
	if f.err != nil {
		return skills.PullRequest{Notes: []string{"retried once"}}, f.err
	}
	return skills.PullRequest{URL: "wattson/revert-" + req.Commit, Branch: "wattson/revert-" + req.Commit, State: skills.StateBranch, Build: f.build}, nil
}

func (f *fakeHost) Fix(context.Context, skills.FixRequest) (skills.PullRequest, error) {
	f.calls = append(f.calls, "fix")
	return skills.PullRequest{}, nil
}

func (f *fakeHost) Ready(_ context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	f.calls = append(f.calls, "ready "+pr.Branch)
	pr.State = skills.StateOpen
	return pr, nil
}

func (f *fakeHost) Merge(_ context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	f.calls = append(f.calls, "merge "+pr.Branch)
	pr.State, pr.MergedBy = skills.StateMerged, "wattson"
	return pr, nil
}

func (f *fakeHost) Close(_ context.Context, pr skills.PullRequest, reason string) (skills.PullRequest, error) {
	f.calls = append(f.calls, "close "+pr.Branch+": "+reason)
	pr.State, pr.ClosedBy = skills.StateClosed, "wattson"
	return pr, nil
}

func (f *fakeHost) State(_ context.Context, pr skills.PullRequest) (skills.PullRequest, error) {
	f.calls = append(f.calls, "state "+pr.Branch)
	return pr, nil
}

func TestHostsRouteByRepositoryServiceAndFallback(t *testing.T) {
	shop, pay, fall := &fakeHost{}, &fakeHost{}, &fakeHost{}
	var logs bytes.Buffer
	h := &Hosts{Repos: map[string]Host{"acme/shop": shop, "/src/pay": pay, "acme/mono": fall},
		ByService: map[string]string{"checkout": "acme/shop", "payments": "/src/pay"}, Fallback: "acme/mono",
		Log: slog.New(slog.NewTextHandler(&logs, nil))}
	ev := Evidence{Service: "checkout", Metric: "cpu", RegressionID: "R-3", Thread: ThreadLink("slack", "C1", "1717.0042")}
	for _, tc := range []struct {
		c    Change
		want *fakeHost
		repo string
	}{
		{Change{ID: "P-1", Kind: KindRevert, Target: "abc", Service: "checkout", Evidence: ev}, shop, "acme/shop"},
		{Change{ID: "P-2", Kind: KindRevert, Target: "abc", Service: "payments"}, pay, "/src/pay"},
		{Change{ID: "P-3", Kind: KindRevert, Target: "abc", Service: "search"}, fall, "acme/mono"},
		{Change{ID: "P-4", Kind: KindRevert, Target: "abc", Service: "checkout", Repo: "/src/pay"}, pay, "/src/pay"},
	} {
		before := len(tc.want.calls)
		o, err := h.Open(t.Context(), tc.c)
		if err != nil || o.Repo != tc.repo || o.URL != "wattson/revert-abc" || len(tc.want.calls) != before+1 {
			t.Errorf("Open(%s) = %+v, %v; want it on %s", tc.c.ID, o, err, tc.repo)
		}
	}
	if body := shop.revert.Body; !strings.Contains(body, "R-3") || !strings.Contains(body, "https://slack.com/archives/C1/p17170042") {
		t.Errorf("revert body lacks the evidence:\n%s", body)
	}
	if !strings.Contains(logs.String(), "change prepared") {
		t.Errorf("logs %q", logs.String())
	}

	// A fix, or a change already opened, keeps its link.
	fix := Change{ID: "P-5", Kind: KindFix, Service: "checkout", URL: "https://github.example/acme/shop/pull/9", Number: 9}
	if o, err := h.Open(t.Context(), fix); err != nil || o.URL != fix.URL || o.Number != 9 || len(shop.calls) != 1 {
		t.Errorf("Open of a fix = %+v, %v; calls %v", o, err, shop.calls)
	}

	// Approve marks ready, or merges when so configured; Close says why.
	branch := Change{ID: "P-1", Repo: "acme/shop", URL: "wattson/revert-abc"}
	if o, err := h.Approve(t.Context(), branch); err != nil || o.State != "open" {
		t.Errorf("Approve = %+v, %v", o, err)
	}
	h.MergeOnApprove = true
	if o, err := h.Approve(t.Context(), branch); err != nil || o.State != "merged" || o.By != "wattson" {
		t.Errorf("Approve merging = %+v, %v", o, err)
	}
	if o, err := h.Close(t.Context(), branch, ""); err != nil || o.State != "closed" || o.By != "wattson" {
		t.Errorf("Close = %+v, %v", o, err)
	}
	want := "revert,ready wattson/revert-abc,merge wattson/revert-abc,close wattson/revert-abc: Rejected in Wattson."
	if got := strings.Join(shop.calls, ","); got != want {
		t.Errorf("calls %s\nwant  %s", got, want)
	}

	// No repository: an error naming the service.
	none := &Hosts{Repos: map[string]Host{}}
	if _, err := none.Open(t.Context(), Change{ID: "P-9", Kind: KindRevert, Service: "search"}); err == nil || !strings.Contains(err.Error(), `"search"`) {
		t.Errorf("Open without a host: %v", err)
	}
}

func TestOpenTellsConflictsBuildsAndFailures(t *testing.T) {
	host := &fakeHost{err: &skills.ConflictError{Files: []string{"price.go"}}}
	h := &Hosts{Repos: map[string]Host{"r": host}, Fallback: "r"}
	c := Change{ID: "P-1", Kind: KindRevert, Target: "abc1234", Body: "regexp.Compile went from 0% to 19%"}
	o, err := h.Open(t.Context(), c)
	if err != nil || o.URL != "" || !strings.Contains(o.Body, "git revert abc1234") || !strings.Contains(o.Body, "regexp.Compile went from 0% to 19%") ||
		len(o.Notes) != 1 || !strings.Contains(o.Notes[0], "conflicts in price.go") {
		t.Errorf("conflict: %+v, %v", o, err)
	}
	host.err = errors.New("boom")
	if o, err := h.Open(t.Context(), c); err == nil || len(o.Notes) != 1 {
		t.Errorf("failure: %+v, %v; want the error and the host's notes", o, err)
	}
	host.err, host.build = nil, &skills.BuildResult{Command: "go build ./...", OK: false, Output: "x\n./price.go:3: undefined: y\n"}
	o, err = h.Open(t.Context(), c)
	if err != nil || len(o.Notes) != 1 || o.Notes[0] != "`go build ./...` on the change FAILS: ./price.go:3: undefined: y" {
		t.Errorf("build: %+v, %v", o, err)
	}
}

func TestThreadLink(t *testing.T) {
	for _, tc := range []struct{ platform, channel, message, want string }{
		{"slack", "C1", "1717171717.000042", "https://slack.com/archives/C1/p1717171717000042"},
		{"discord", "123", "456", "discord channel 123, message 456"},
		{"slack", "C1", "", ""},
	} {
		if got := ThreadLink(tc.platform, tc.channel, tc.message); got != tc.want {
			t.Errorf("ThreadLink(%s, %s, %s) = %q, want %q", tc.platform, tc.channel, tc.message, got, tc.want)
		}
	}
}
