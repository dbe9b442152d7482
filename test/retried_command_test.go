package test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRetriedCommand: once Wattson's own investigation of R-1 has
// proposed P-1, Bob types `/wattson investigate R-1`; Slack, not hearing
// back in time, delivers it again to the other replica, signed afresh
// with X-Slack-Retry-Num: 1 and the same trigger_id. One more
// investigation runs.
func TestRetriedCommand(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 2})
	defer l.noInternalErrors()
	l.autoProposal()
	form := l.command("UBOB", "", "investigate R-1")
	body := form.Encode()
	first := signedRequest("/slack/commands", body, time.Now().Add(-2*time.Second))
	retry := signedRequest("/slack/commands", body, time.Now())
	retry.header.Set("X-Slack-Retry-Num", "1")
	retry.header.Set("X-Slack-Retry-Reason", "http_timeout")
	code1, reply1 := first.send(t, l.replicas[0])
	code2, reply2 := retry.send(t, l.replicas[1])
	if code1 != http.StatusOK || code2 != http.StatusOK {
		t.Fatalf("delivery and retry answered %d %q and %d %q, want 200 each", code1, reply1, code2, reply2)
	}
	t.Logf("the delivery was answered %q, the retry %q", responseText(reply1), responseText(reply2))

	eventually(t, 90*time.Second, "the command's investigation's findings", func() bool { return len(l.posts(`Findings \(I-2\)`)) > 0 })
	l.settle()
	if p := l.posts(`Investigating \(I-`); len(p) != 2 {
		t.Errorf("%d progress messages posted (%v), want 2: Wattson's and one for the command", len(p), ids(p, `\((I-\d+)\)`))
	}
	if p := l.posts(`Findings \(I-`); len(p) != 2 {
		t.Errorf("%d findings posted (%v), want 2", len(p), ids(p, `\((I-\d+)\)`))
	}
	if p := l.posts(`proposal P-[2-9]`); len(p) != 0 {
		t.Errorf("a second proposal was posted: %.200s", callText(p[0]))
	}
	if st := l.status("I-3"); !strings.Contains(st, "There is no investigation I-3") {
		t.Errorf("status I-3 = %q: the retry started an investigation", st)
	}
	if st := l.status("P-1"); !strings.Contains(st, "P-1 (v2)") {
		t.Errorf("P-1 = %q, want v2: updated once by the command's investigation", st)
	}
	if st := statusLine(l.status("R-1")); st != "Status: proposed" {
		t.Errorf("R-1: %q, want Status: proposed", st)
	}
}
