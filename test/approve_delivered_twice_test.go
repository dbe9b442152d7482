package test

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestApproveDeliveredTwice: Alice's click on Approve reaches both
// replicas at once (the same payload, trigger_id included, each delivery
// signed afresh). The revert is merged once into the clone's main, the
// approval is audited once, and the thread is told once, the approval
// before the merge.
func TestApproveDeliveredTwice(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 2})
	defer l.noInternalErrors()
	card := l.autoProposal()
	id, value, ok := button(card, "wattson:approve:")
	if !ok {
		t.Fatalf("no Approve button on %s", card.form.Get("blocks"))
	}
	form, _ := l.click("UALICE", id, value, card.ts)
	a := signedRequest("/slack/interactions", form.Encode(), time.Now().Add(-time.Second))
	b := signedRequest("/slack/interactions", form.Encode(), time.Now())
	concurrently(func() { a.send(t, l.replicas[0]) }, func() { b.send(t, l.replicas[1]) })

	eventually(t, 60*time.Second, "the thread told P-1 is merged", func() bool { return len(l.posts(`P-1: wattson/revert-\S+ is merged`)) > 0 })
	l.settle()

	merges := strings.Split(gitOut(t, l.repo, "log", "--merges", "--format=%s", "main"), "\n")
	var reverts []string
	for _, m := range merges {
		if strings.HasPrefix(m, "Merge wattson/revert-") {
			reverts = append(reverts, m)
		}
	}
	if len(reverts) != 1 {
		t.Errorf("main has %d revert merges %q, want 1", len(reverts), merges)
	}
	if got := gitOut(t, l.repo, "log", "-1", "--format=%s", "main^2"); !strings.HasPrefix(got, "Revert "+l.sample.Culprit[:7]) {
		t.Errorf("main's merged branch head is %q, want the revert of the culprit", got)
	}
	st := l.status("P-1")
	if n := len(regexp.MustCompile(`\bapprove by UALICE\b`).FindAllString(st, -1)); n != 1 || strings.Contains(st, "approve by UALICE (refused)") {
		t.Errorf("P-1's history has %d approvals by UALICE, want 1 allowed:\n%s", n, st)
	}
	if statusLine(st) != "Status: merged" {
		t.Errorf("P-1: %q, want Status: merged", statusLine(st))
	}
	approved, merged := l.posts(`approved P-1`), l.posts(`P-1: wattson/revert-\S+ is merged`)
	if len(approved) != 1 || len(merged) != 1 {
		t.Fatalf("the thread was told %d times it was approved and %d times it is merged, want once each", len(approved), len(merged))
	}
	for _, c := range append(approved, merged...) {
		if c.form.Get("thread_ts") != l.alert("R-1").ts {
			t.Errorf("%q posted in thread %q, not the alert's", c.form.Get("text"), c.form.Get("thread_ts"))
		}
	}
	if approved[0].ts >= merged[0].ts { // the fake numbers its posts in order
		t.Errorf("\"is merged\" (%s) was posted before \"approved\" (%s)", merged[0].ts, approved[0].ts)
	}
}
