package test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestUxRejectAsksReason: Bob clicks Reject on the revert Wattson
// proposed. Slack is asked to open a modal (views.open with the click's
// trigger_id) that asks why; nothing is decided yet. Bob submits "fix
// forward instead": P-1 is rejected with that reason stored on the record
// and in its audit trail, and the thread is told why. Slack delivering
// the submission again changes nothing.
func TestUxRejectAsksReason(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 1})
	uxRecordViews(l.slack)
	card := l.autoProposal()
	trig := l.decide(l.replicas[0], "UBOB", "reject", card)
	eventually(t, 20*time.Second, "views.open for the Reject click", func() bool { return len(l.slack.callsOf("views.open")) > 0 })
	open := l.slack.callsOf("views.open")[0]
	if got := open.form.Get("trigger_id"); got != trig {
		t.Errorf("views.open with trigger_id %q, want the click's %q", got, trig)
	}
	var view struct {
		Type            string `json:"type"`
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
		Blocks          []struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
			Element struct {
				Type     string `json:"type"`
				ActionID string `json:"action_id"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(open.form.Get("view")), &view); err != nil || view.Type != "modal" || len(view.Blocks) == 0 || view.Blocks[0].Type != "input" {
		t.Fatalf("views.open view is not a modal with an input (%v): %s", err, open.form.Get("view"))
	}
	if st := statusLine(l.status("P-1")); st != "Status: proposed" {
		t.Fatalf("P-1 after the Reject click, before the modal is submitted: %q, want still proposed", st)
	}

	submit := uxViewSubmission("UBOB", "V123", view.CallbackID, view.PrivateMetadata, view.Blocks[0].BlockID, view.Blocks[0].Element.ActionID, "fix forward instead")
	req := signedRequest("/slack/interactions", submit.Encode(), time.Now())
	if code, body := req.send(t, l.replicas[0]); code != http.StatusOK || strings.TrimSpace(body) != "" {
		t.Fatalf("view_submission: %d %q, want 200 and an empty body (closes the modal)", code, body)
	}
	eventually(t, 20*time.Second, "P-1 rejected", func() bool { return strings.Contains(l.status("P-1"), "Status: rejected") })
	st := l.status("P-1")
	if !strings.Contains(st, "— fix forward instead") {
		t.Errorf("P-1's card does not show the stored reason: %q", st)
	}
	if !strings.Contains(st, "reject by UBOB — fix forward instead") {
		t.Errorf("P-1's history does not audit the reason: %q", st)
	}
	l.settle()
	told := l.posts(`rejected P-1`)
	if len(told) != 1 || !strings.Contains(callText(told[0]), "fix forward instead") {
		t.Errorf("the thread was told %d times that P-1 was rejected, want once with the reason: %v", len(told), told)
	}

	// Slack delivers the same submission again (signed afresh): one effect.
	if code, _ := signedRequest("/slack/interactions", submit.Encode(), time.Now().Add(time.Second)).send(t, l.replicas[0]); code != http.StatusOK {
		t.Errorf("second delivery: %d", code)
	}
	l.settle()
	if n := len(l.posts(`rejected P-1`)); n != 1 {
		t.Errorf("after a second delivery the thread was told %d times, want once", n)
	}
	l.noInternalErrors()
}
