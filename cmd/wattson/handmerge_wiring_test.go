package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills/github/githubtest"
	"github.com/wattson-dev/wattson/store"
)

func TestStateReadsAPullRequestMergedOrClosedByHand(t *testing.T) {
	gh := githubtest.New(t, prSecret)
	n := gh.OpenPR("wattson/revert-abc123456789", "Revert", true)
	var logs bytes.Buffer
	c := gitHubHosts(t, gh, false, &logs)
	p := store.Proposal{ID: "P-1", Repo: "o/r", PRURL: "https://github.example/o/r/pull/1", PRNumber: n}
	res, err := c.State(t.Context(), p)
	if err != nil || res.State != "draft" || res.Repo != "o/r" {
		t.Fatalf("State of the draft = %+v, %v", res, err)
	}
	at := time.Date(2025, 6, 5, 9, 30, 0, 0, time.UTC)
	gh.MergeByHand(n, "bob", at)
	res, err = c.State(t.Context(), p)
	if err != nil || res.State != "merged" || res.By != "bob" || !res.MergedAt.Equal(at) || res.Number != n {
		t.Fatalf("State after the merge = %+v, %v; want merged by bob at %s", res, err, at)
	}
	if gh.Calls("PUT /repos/o/r/pulls/1/merge") != 0 || gh.Calls("PATCH /repos/o/r/pulls/1") != 0 {
		t.Fatal("State acted on the pull request")
	}

	m := gh.OpenPR("wattson/revert-def123456789", "Revert", false)
	gh.CloseByHand(m, "carol", at)
	q := store.Proposal{ID: "P-2", Repo: "o/r", PRURL: "https://github.example/o/r/pull/2", PRNumber: m}
	res, err = c.State(t.Context(), q)
	if err != nil || res.State != "closed" || res.By != "carol" || !res.ClosedAt.Equal(at) {
		t.Fatalf("State after the close = %+v, %v; want closed by carol at %s", res, err, at)
	}
}
