package discord

import (
	"fmt"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// TestInteractionRedeliveredActsOnce delivers one interaction twice, each
// time freshly signed: the bot drops the second by the interaction's id,
// which Discord gives every interaction once.
func TestInteractionRedeliveredActsOnce(t *testing.T) {
	e := newEnv(t, 0, nil)
	r, _, err := e.bot.Alert(t.Context(), bot.AlertInput{Regression: testRegression()})
	if err != nil {
		t.Fatal(err)
	}
	dismiss := commandJSON("900", "ALICE", nil, "dismiss", map[string]string{"regression": r.ID, "reason": "noise"})
	now := time.Now()
	code, first := do(t, signed(t, e.url+"/discord/interactions", dismiss, e.priv, now))
	if code != 200 {
		t.Fatalf("first delivery: %d %v", code, first)
	}
	code, again := do(t, signed(t, e.url+"/discord/interactions", dismiss, e.priv, now.Add(time.Second)))
	if data, _ := again["data"].(map[string]any); code != 200 || fmt.Sprint(data["content"]) != "Already handled." {
		t.Fatalf("second delivery: %d %v, want \"Already handled.\"", code, again)
	}
	evs, _ := e.st.ListAudit(t.Context(), r.ID, 0)
	n := 0
	for _, ev := range evs {
		if ev.Action == "dismiss" {
			n++
		}
	}
	if got, _ := e.st.GetRegression(t.Context(), r.ID); n != 1 || got.Status != store.RegressionDismissed {
		t.Fatalf("%d dismiss audit events, status %s; want 1, dismissed", n, got.Status)
	}
}
