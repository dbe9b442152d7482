package github

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/github/githubtest"
)

func TestStateReadsWhatPeopleDidOnGitHub(t *testing.T) {
	mergedAt := time.Date(2025, 6, 5, 14, 30, 0, 0, time.UTC)
	tests := []struct {
		name      string
		draft     bool
		by        func(gh *githubtest.Server, n int)
		want      skills.PRState
		wantBy    string
		wantMerge time.Time
	}{
		{name: "draft", draft: true, want: skills.StateDraft},
		{name: "ready for review", want: skills.StateOpen},
		{name: "merged by hand", draft: true, by: func(gh *githubtest.Server, n int) { gh.MergeByHand(n, "alice", mergedAt) },
			want: skills.StateMerged, wantBy: "alice", wantMerge: mergedAt},
		{name: "closed by hand", by: func(gh *githubtest.Server, n int) { gh.CloseByHand(n, "bob", mergedAt) },
			want: skills.StateClosed, wantBy: "bob", wantMerge: mergedAt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gh, _ := repo(t)
			gh.Commit("wattson/revert-abc", "Revert", "wattson[bot]", map[string]string{"price.go": "package x // fast\n"})
			n := gh.OpenPR("wattson/revert-abc", "Revert", tt.draft)
			if tt.by != nil {
				tt.by(gh, n)
			}
			before := gh.PRs()[n-1]
			var logs bytes.Buffer
			h := host(t, gh, &logs, &sleeps{})
			got, err := h.State(context.Background(), skills.PullRequest{URL: "https://github.example/o/r/pull/1", Number: n})
			if err != nil {
				t.Fatal(err)
			}
			by, at := got.MergedBy, got.MergedAt
			if got.State == skills.StateClosed {
				by, at = got.ClosedBy, got.ClosedAt
			}
			if got.State != tt.want || by != tt.wantBy || !at.Equal(tt.wantMerge) || got.Number != n || got.Branch != "wattson/revert-abc" {
				t.Fatalf("State = %+v, want %s by %q at %s", got, tt.want, tt.wantBy, tt.wantMerge)
			}
			if after := gh.PRs()[n-1]; after.State != before.State || after.Draft != before.Draft || after.Merged != before.Merged {
				t.Fatalf("State changed the pull request: %+v, was %+v", after, before)
			}
			if calls := gh.Calls("GET /repos/o/r/pulls/1"); calls != 1 {
				t.Fatalf("%d reads of the pull request, want 1", calls)
			}
		})
	}
}

func TestStateRetriesServerErrors(t *testing.T) {
	gh, _ := repo(t)
	n := gh.OpenPR("feature", "Fix", false)
	gh.MergeByHand(n, "bob", time.Date(2025, 6, 5, 0, 0, 0, 0, time.UTC))
	var logs bytes.Buffer
	sl := &sleeps{}
	h := host(t, gh, &logs, sl)
	ctx := context.Background()

	// One 502: retried after the backoff, and the thread may hear of it.
	gh.Fail(githubtest.Fault{Match: "GET /repos/o/r/pulls/1", Status: http.StatusBadGateway, Times: 1})
	got, err := h.State(ctx, skills.PullRequest{Number: n})
	if err != nil || got.State != skills.StateMerged {
		t.Fatalf("State after one 502 = %+v, %v; want merged", got, err)
	}
	if len(got.Notes) != 1 || !strings.Contains(got.Notes[0], "server error (502)") || len(sl.d) != 1 {
		t.Fatalf("notes %q, waits %v; want one retry after a 502", got.Notes, sl.d)
	}

	// GitHub keeps failing: the error names the pull request, nothing is
	// guessed.
	gh.Fail(githubtest.Fault{Match: "GET /repos/o/r/pulls/1", Status: http.StatusServiceUnavailable, Times: 10})
	got, err = h.State(ctx, skills.PullRequest{Number: n})
	if err == nil || !strings.Contains(err.Error(), "read pull request #1 of o/r") || got.State != "" {
		t.Fatalf("State during an outage = %+v, %v; want an error and no state", got, err)
	}
}

func TestStateOfAClosedPullRequestWithoutItsCloser(t *testing.T) {
	gh, _ := repo(t)
	n := gh.OpenPR("feature", "Fix", false)
	gh.CloseByHand(n, "bob", time.Date(2025, 6, 5, 0, 0, 0, 0, time.UTC))
	var logs bytes.Buffer
	h := host(t, gh, &logs, &sleeps{})
	gh.Fail(githubtest.Fault{Match: "GET /repos/o/r/issues/1", Status: http.StatusNotFound, Times: 1})
	got, err := h.State(context.Background(), skills.PullRequest{Number: n})
	if err != nil || got.State != skills.StateClosed || got.ClosedBy != "" {
		t.Fatalf("State = %+v, %v; want closed, by nobody known", got, err)
	}
	if len(got.Notes) != 1 || !strings.Contains(got.Notes[0], "Could not read who closed #1") {
		t.Fatalf("notes %q, want one saying who closed it is unknown", got.Notes)
	}
}

func TestStateNeedsANumber(t *testing.T) {
	gh, _ := repo(t)
	var logs bytes.Buffer
	h := host(t, gh, &logs, &sleeps{})
	if _, err := h.State(context.Background(), skills.PullRequest{URL: "wattson/revert-abc"}); err == nil {
		t.Fatal("State of a change with no pull request number succeeded")
	}
	if calls := gh.Calls("GET /repos/o/r/pulls/0"); calls != 0 {
		t.Fatalf("%d requests for pull request 0", calls)
	}
}
