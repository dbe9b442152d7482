package test

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRejectOneOfTwo: two regressions (the CPU series and the same series
// recorded under a second name) are alerted and investigated, and each
// investigation proposes the revert of the same culprit, on the same
// branch. Bob, an approver through the SPERF group, rejects P-1: P-2
// stays proposed, its branch in place.
func TestRejectOneOfTwo(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 2, alerts: 2,
		aliases: map[string]string{`service:cpu_seconds_per_request_copy:rate5m{service="checkout"}`: "service:cpu_seconds_per_request_copy:rate5m"}})
	eventually(t, 120*time.Second, "both investigations' findings", func() bool { return len(ids(l.posts(`Findings \(I-`), `Findings \((I-\d+)\)`)) == 2 })
	l.settle()
	cards := map[string]slackCall{}
	for _, c := range l.posts(`proposal P-\d+ \(v`) {
		for id := range ids([]slackCall{c}, `proposal (P-\d+) \(v`) {
			cards[id] = c
		}
	}
	t.Logf("proposals posted: %v; R-1 %s, R-2 %s", slices.Sorted(maps.Keys(cards)), statusLine(l.status("R-1")), statusLine(l.status("R-2")))
	if len(cards) != 2 {
		t.Fatalf("%d proposals for two regressions, want P-1 and P-2", len(cards))
	}
	p2 := l.status("P-2")
	branch := regexp.MustCompile(`wattson/revert-[0-9a-f]+`).FindString(p2)
	if branch == "" || !slices.Contains(branches(t, l.repo), branch) {
		t.Fatalf("P-2 names no branch of the clone (%v): %q", branches(t, l.repo), p2)
	}
	head := gitOut(t, l.repo, "rev-parse", branch)

	// Bob is an approver through the SPERF group.
	l.uxReject(l.replicas[1], "UBOB", cards["P-1"], "one revert is enough")
	eventually(t, 20*time.Second, "P-1 rejected", func() bool { return strings.Contains(l.status("P-1"), "Status: rejected") })
	l.settle()
	if p := l.posts(`rejected P-1`); len(p) != 1 {
		t.Errorf("the thread was told %d times that P-1 was rejected, want once", len(p))
	} else {
		t.Logf("the thread was told %q", p[0].form.Get("text"))
	}
	if st := l.status("P-2"); statusLine(st) != "Status: proposed" || st != p2 {
		t.Errorf("P-2 changed when P-1 was rejected:\nbefore %q\nafter  %q", p2, st)
	}
	if !slices.Contains(branches(t, l.repo), branch) {
		t.Errorf("rejecting P-1 deleted %s, which P-2 proposes", branch)
	} else if got := gitOut(t, l.repo, "rev-parse", branch); got != head {
		t.Errorf("rejecting P-1 moved %s from %s to %s", branch, head, got)
	}
	if st := statusLine(l.status("R-2")); st != "Status: proposed" {
		t.Errorf("R-2 after rejecting P-1: %q, want Status: proposed", st)
	}

	// P-1 and P-2 revert the same commit on the same branch of the one
	// clone, and the two replicas prepare them at once: they take turns
	// (the clone's lock), so neither fails in git.
	l.noInternalErrors()
	if p := l.posts(regexp.QuoteMeta("on the code host (attempt 1 of")); len(p) > 0 {
		t.Errorf("preparing the shared branch failed and the thread was told %q", p[0].form.Get("text"))
	}
}
