package test

import (
	"strings"
	"testing"
	"time"
)

// TestInvestigateWithoutProfiles: checkout's profiles directory is empty,
// so the profile_diff step of the investigation Wattson starts when it
// alerts R-1 fails. The progress message shows that step crossed out, the
// thread is told how the investigation ended, and R-1 is not left
// "investigating".
func TestInvestigateWithoutProfiles(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 2, profiles: t.TempDir()})
	defer l.noInternalErrors()
	eventually(t, 90*time.Second, "I-1 finished", func() bool {
		done := false
		for _, c := range l.slack.callsOf("chat.update") {
			done = done || strings.Contains(callText(c), "Investigation I-1 finished")
		}
		return done || len(l.posts(`Findings \(I-1\)|I-1 failed`)) > 0
	})
	l.settle()
	var last string // the progress message as last shown
	progress := l.posts(`Investigating \(I-1\)`)
	if len(progress) != 1 {
		t.Fatalf("%d progress messages, want 1", len(progress))
	}
	for _, c := range l.slack.callsOf("chat.update") {
		if c.form.Get("ts") == progress[0].ts {
			last = callText(c)
		}
	}
	t.Logf("the progress message ends as:\n%s", last)
	if !strings.Contains(last, "✗ profile_diff") {
		t.Errorf("the progress message does not show profile_diff failed (✗ profile_diff):\n%s", last)
	}
	if strings.Contains(last, "✓ profile_diff") {
		t.Errorf("the progress message shows profile_diff passed:\n%s", last)
	}
	alert := l.alert("R-1")
	var outcome []string
	for _, c := range l.posts(`Findings \(I-1\)|I-1 failed`) {
		if c.form.Get("thread_ts") == alert.ts {
			outcome = append(outcome, c.form.Get("text"))
		}
	}
	if len(outcome) != 1 {
		t.Errorf("the alert's thread was told the outcome of I-1 %d times (%q), want once", len(outcome), outcome)
	} else {
		t.Logf("the thread was told: %.200s", outcome[0])
	}
	st := statusLine(l.status("R-1"))
	t.Logf("R-1 after the investigation: %s", st)
	if st != "Status: open" && st != "Status: proposed" {
		t.Errorf("R-1 after the investigation: %q, want open or proposed", st)
	}
	if inv := l.status("I-1"); strings.Contains(inv, "Investigation I-1: running") {
		t.Errorf("I-1 is still running: %q", inv)
	}
}
