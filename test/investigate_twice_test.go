package test

import (
	"strings"
	"testing"
	"time"
)

// TestInvestigateTwice: Wattson alerts R-1 and investigates it on its
// own, proposing the revert P-1. Bob then double-clicks Investigate on
// the alert, and the two clicks reach the two replicas at once. One more
// investigation runs, and it updates P-1 (a new version) instead of
// proposing the same revert again; the second click is told R-1 is
// already being investigated.
func TestInvestigateTwice(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 2})
	defer l.noInternalErrors()
	l.autoProposal()
	alert := l.alert("R-1")
	action, value, ok := button(alert, "wattson:investigate:R-1")
	if !ok {
		t.Fatalf("the alert has no Investigate button: %s", alert.form.Get("blocks"))
	}
	before := len(l.posts(`Investigating \(I-`))
	first, trigA := l.click("UBOB", action, value, alert.ts)
	second, trigB := l.click("UBOB", action, value, alert.ts)
	concurrently(func() { l.interact(l.replicas[0], first) }, func() { l.interact(l.replicas[1], second) })

	eventually(t, 20*time.Second, "both clicks answered", func() bool {
		return len(l.responses(trigA)) > 0 && len(l.responses(trigB)) > 0
	})
	eventually(t, 90*time.Second, "the second investigation's findings", func() bool { return len(l.posts(`Findings \(I-2\)`)) > 0 })
	l.settle()

	progress := l.posts(`Investigating \(I-`)
	if got := ids(progress, `Investigating \((I-\d+)\)`); len(progress)-before != 1 || len(got) != 2 {
		t.Errorf("the double click posted %d progress messages (all: %v), want 1: one investigation", len(progress)-before, got)
	}
	for _, c := range progress {
		if c.form.Get("thread_ts") != alert.ts {
			t.Errorf("progress message posted in thread %q, want the alert's %q", c.form.Get("thread_ts"), alert.ts)
		}
	}
	var replies []string
	for _, trig := range []string{trigA, trigB} {
		for _, r := range l.responses(trig) {
			replies = append(replies, r.form.Get("response_type")+": "+r.form.Get("text"))
		}
	}
	joined := strings.Join(replies, "\n")
	if len(replies) != 2 || !strings.Contains(joined, "ephemeral: Investigating R-1 (I-2)") ||
		!strings.Contains(joined, "ephemeral: R-1 is already being investigated") {
		t.Errorf("the two clicks were answered %q; want one \"Investigating R-1 (I-2)…\" and one \"R-1 is already being investigated…\", privately", replies)
	}
	if p := l.posts(`proposal P-[2-9]`); len(p) != 0 {
		t.Errorf("a second proposal was posted: %.200s", callText(p[0]))
	}
	if v1, v2 := len(l.posts(`Revert proposal P-1 \(v1\)`)), len(l.posts(`Revert proposal P-1 \(v2\)`)); v1 != 1 || v2 != 1 {
		t.Errorf("P-1's card was posted %d times at v1 and %d at v2, want once each (the second investigation found the same revert)", v1, v2)
	}
	st := l.status("P-1")
	if statusLine(st) != "Status: proposed" || !strings.Contains(st, "P-1 (v2)") {
		t.Errorf("P-1 after the double click: %q, want proposed at v2", st)
	}
	if strings.Contains(l.status("P-2"), "Status:") {
		t.Error("P-2 exists")
	}
	if st := statusLine(l.status("R-1")); st != "Status: proposed" {
		t.Errorf("R-1 after the investigations: %q, want Status: proposed", st)
	}
}
