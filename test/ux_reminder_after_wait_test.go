package test

import (
	"strings"
	"testing"
	"time"
)

// TestUxReminderAfterWait: with chat.remind_after: 3s, P-1 waits for a
// decision on two replicas. After the wait its thread gets a reminder
// that mentions the approvers (Alice, and the perf group as a Slack group
// mention); after another wait, one more; once Alice rejects P-1, none.
// (That both replicas remind once per wait is TestWaitingProposalIs-
// RemindedOncePerWait's, on a settable clock.)
func TestUxReminderAfterWait(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 2, uxRemindAfter: 3 * time.Second})
	card := l.autoProposal()
	alert := l.alert("R-1")
	eventually(t, 30*time.Second, "a reminder about P-1", func() bool { return len(l.posts(`P-1 \(v1\) has waited`)) > 0 })
	first := l.posts(`P-1 \(v1\) has waited`)[0]
	if first.form.Get("thread_ts") != alert.ts {
		t.Errorf("reminder in thread %q, want the alert's %q", first.form.Get("thread_ts"), alert.ts)
	}
	text := callText(first)
	for _, want := range []string{"<@UALICE>", "<!subteam^SPERF>", "/wattson approve P-1"} {
		if !strings.Contains(text, want) {
			t.Errorf("reminder %q lacks %q", text, want)
		}
	}
	eventually(t, 30*time.Second, "a second reminder", func() bool { return len(l.posts(`P-1 \(v1\) has waited`)) >= 2 })

	l.uxReject(l.replicas[0], "UALICE", card, "not now")
	eventually(t, 20*time.Second, "P-1 rejected", func() bool { return strings.Contains(l.status("P-1"), "Status: rejected") })
	n := len(l.posts(`P-1 \(v1\) has waited`))
	time.Sleep(7 * time.Second) // two more waits, ticks on both replicas
	if m := len(l.posts(`P-1 \(v1\) has waited`)); m != n {
		t.Errorf("%d reminders after P-1 was rejected", m-n)
	}
	l.noInternalErrors()
}
