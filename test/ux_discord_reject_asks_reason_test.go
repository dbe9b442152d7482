package test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestUxDiscordRejectAsksReason is TestUxRejectAsksReason on Discord: Bob
// clicks Reject on P-1's card and Discord is answered with a modal (type
// 9) that asks why; nothing is decided. His submission (type 5) rejects
// P-1 with the reason stored and audited, and the thread is told why.
// Clicking Approve first asks, privately, to confirm; Cancel does nothing.
func TestUxDiscordRejectAsksReason(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 1, discord: true})
	card := l.discordAutoProposal()
	s := l.replicas[0]

	l.uxDiscordConfirm(s, discordBob, card, "wattson?approve:P-1")
	code, body := l.discord.signedInteraction(discordClick(discordBob, "wattson-cancel", card), time.Now()).send(t, s)
	if text, _ := discordReply(body); code != http.StatusOK || !strings.Contains(text, "type 7") || !strings.Contains(text, "nothing was done") {
		t.Errorf("Cancel: %d %q, want the question closed saying nothing was done", code, text)
	}

	id, ok := customID(card, "wattson:reject:P-1")
	if !ok {
		t.Fatalf("P-1's card has no Reject button: %v", card.body["components"])
	}
	code, body = l.discord.signedInteraction(discordClick(discordBob, id, card), time.Now()).send(t, s)
	var modal struct {
		Type int `json:"type"`
		Data struct {
			CustomID   string `json:"custom_id"`
			Title      string `json:"title"`
			Components []struct {
				Components []struct {
					Type     int    `json:"type"`
					CustomID string `json:"custom_id"`
				} `json:"components"`
			} `json:"components"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &modal); code != http.StatusOK || err != nil || modal.Type != 9 || len(modal.Data.Components) != 1 ||
		len(modal.Data.Components[0].Components) != 1 || modal.Data.Components[0].Components[0].Type != 4 {
		t.Fatalf("Reject click: %d %s, want a modal with one text input", code, body)
	}
	if st := statusLine(l.discordStatus("P-1")); st != "Status: proposed" {
		t.Fatalf("P-1 after the Reject click and Cancel: %q, want still proposed", st)
	}

	input := modal.Data.Components[0].Components[0].CustomID
	submit := discordInteraction(5, discordBob, map[string]any{"custom_id": modal.Data.CustomID, "components": []any{
		map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": input, "value": "fix forward instead"}}}}}, &card)
	if code, body := l.discord.signedInteraction(submit, time.Now()).send(t, s); code != http.StatusOK {
		t.Fatalf("modal submission: %d %s", code, body)
	}
	eventually(t, 20*time.Second, "P-1 rejected", func() bool { return strings.Contains(l.discordStatus("P-1"), "Status: rejected") })
	st := l.discordStatus("P-1")
	if !strings.Contains(st, "fix forward instead") || !strings.Contains(st, "reject by "+discordBob+" — fix forward instead") {
		t.Errorf("P-1 does not show and audit the reason: %q", st)
	}
	l.settle()
	told := l.discord.posts(`rejected P-1`)
	if len(told) != 1 || !strings.Contains(told[0].text(), "fix forward instead") || told[0].channel() != card.channel() {
		t.Errorf("the thread was told %d times that P-1 was rejected, want once, with the reason, in P-1's thread", len(told))
	}
	l.noInternalErrors()
}
