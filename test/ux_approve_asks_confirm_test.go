package test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// uxConfirmOf is the confirm dialog of the button whose action_id starts
// with prefix on a message's blocks; nil when it has none.
func uxConfirmOf(t *testing.T, blocks, prefix string) map[string]any {
	t.Helper()
	var tree []struct {
		Elements []map[string]any `json:"elements"`
	}
	if err := json.Unmarshal([]byte(blocks), &tree); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	for _, b := range tree {
		for _, e := range b.Elements {
			if id, _ := e["action_id"].(string); strings.HasPrefix(id, prefix) {
				c, _ := e["confirm"].(map[string]any)
				return c
			}
		}
	}
	t.Fatalf("no button %s in %s", prefix, blocks)
	return nil
}

// TestUxApproveAsksConfirm: P-1's card offers Approve revert behind a
// confirm dialog (Slack shows it before the click is sent) that says
// what approving does; Reject has none (it asks why instead). Alice
// approves; once the revert is merged the card offers Roll back, again
// behind a confirm dialog.
func TestUxApproveAsksConfirm(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 1})
	card := l.autoProposal()
	c := uxConfirmOf(t, card.form.Get("blocks"), "wattson:approve:P-1")
	if c == nil {
		t.Fatalf("Approve revert has no confirm dialog: %s", card.form.Get("blocks"))
	}
	text := strings.Join(jsonStrings(c), "\n")
	for _, want := range []string{"Approve revert?", "approves reverting", "P-1", "Cancel"} {
		if !strings.Contains(text, want) {
			t.Errorf("the confirm dialog %q does not say %q", text, want)
		}
	}
	if uxConfirmOf(t, card.form.Get("blocks"), "wattson:reject:P-1") != nil {
		t.Errorf("Reject asks to confirm; it asks why instead")
	}

	l.decide(l.replicas[0], "UALICE", "approve", card)
	eventually(t, 60*time.Second, "P-1 merged", func() bool { return strings.Contains(l.status("P-1"), "Status: merged") })
	l.settle()
	var redrawn string
	for _, u := range l.slack.callsOf("chat.update") {
		if u.form.Get("ts") == card.ts {
			redrawn = u.form.Get("blocks")
		}
	}
	if redrawn == "" {
		t.Fatalf("P-1's card was not redrawn after the merge")
	}
	rb := uxConfirmOf(t, redrawn, "wattson:rollback:P-1")
	if rb == nil || !strings.Contains(strings.Join(jsonStrings(rb), "\n"), "Roll back P-1?") {
		t.Errorf("the merged card's Roll back has no confirm dialog: %v", rb)
	}
	if strings.Contains(redrawn, "wattson:approve") {
		t.Errorf("the merged card still offers Approve: %s", redrawn)
	}
	l.noInternalErrors()
}
