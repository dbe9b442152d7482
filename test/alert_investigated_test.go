package test

import (
	"strings"
	"testing"
)

// TestAlertIsInvestigatedWithoutAClick: two replicas scan the same
// Prometheus every second. The step in checkout's CPU is alerted once, and
// with no click its investigation runs — once across the replicas — and
// its findings and the revert proposal follow in the alert's thread.
func TestAlertIsInvestigatedWithoutAClick(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 2})
	card := l.autoProposal()
	alert := l.alert("R-1")
	if n := len(l.alerts()); n != 1 {
		t.Errorf("%d alerts, want 1", n)
	}
	progress := l.posts(`Investigating \(I-`)
	findings := l.posts(`Findings \(I-`)
	if got := ids(progress, `Investigating \((I-\d+)\)`); len(progress) != 1 || len(got) != 1 || got["I-1"] == 0 {
		t.Errorf("%d progress messages, of %v; want exactly one, of I-1", len(progress), got)
	}
	if len(findings) != 1 {
		t.Errorf("%d findings posted, want 1", len(findings))
	}
	for _, c := range append(append(progress, findings...), card) {
		if c.form.Get("thread_ts") != alert.ts {
			t.Errorf("%.60q posted in thread %q, want the alert's %q", callText(c), c.form.Get("thread_ts"), alert.ts)
		}
	}
	if !strings.Contains(callText(card), l.sample.Culprit[:10]) {
		t.Errorf("the proposal %.200q does not revert the culprit %s", callText(card), l.sample.Culprit[:10])
	}
	if st := l.status("I-1"); !strings.Contains(st, "alert") {
		t.Errorf("I-1: %q, want it triggered by the alert", st)
	}
	if st := statusLine(l.status("R-1")); st != "Status: proposed" {
		t.Errorf("R-1: %q, want Status: proposed", st)
	}
}
