package test

import (
	"strings"
	"testing"
	"time"
)

// TestDiscordInvestigateTwice is TestInvestigateTwice on Discord: once
// Wattson's own investigation of R-1 has proposed P-1, Bob double-clicks
// Investigate on the alert, the two interactions (each its own id)
// reaching the two replicas at once. One more investigation runs and
// updates P-1; the second click is told R-1 is already being
// investigated, privately.
func TestDiscordInvestigateTwice(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 2, discord: true})
	defer l.noInternalErrors()
	l.discordAutoProposal()
	alert := l.discord.alerts()[0]
	id, ok := customID(alert, "wattson:investigate:R-1")
	if !ok {
		t.Fatalf("the alert has no Investigate button: %v", alert.body["components"])
	}
	before := len(l.discord.posts(`Investigating \(I-`))
	var replies [2]string
	var private [2]bool
	concurrently(func() {
		_, body := l.discord.signedInteraction(discordClick(discordBob, id, alert), time.Now()).send(t, l.replicas[0])
		replies[0], private[0] = discordReply(body)
	}, func() {
		_, body := l.discord.signedInteraction(discordClick(discordBob, id, alert), time.Now()).send(t, l.replicas[1])
		replies[1], private[1] = discordReply(body)
	})
	eventually(t, 90*time.Second, "the second investigation's findings", func() bool { return len(l.discord.posts(`Findings \(I-2\)`)) > 0 })
	l.settle()

	progress := l.discord.posts(`Investigating \(I-`)
	if got := discordIDs(progress, `Investigating \((I-\d+)\)`); len(progress)-before != 1 || len(got) != 2 {
		t.Errorf("the double click posted %d progress messages (all: %v), want 1: one investigation", len(progress)-before, got)
	}
	for _, c := range progress {
		if c.channel() != alert.id {
			t.Errorf("progress posted in %s, not in the alert's thread %s", c.channel(), alert.id)
		}
	}
	joined := strings.Join(replies[:], "\n")
	if !strings.Contains(joined, "Investigating R-1 (I-2)") || !strings.Contains(joined, "R-1 is already being investigated") || !private[0] || !private[1] {
		t.Errorf("the two clicks were answered %q (private %v); want one \"Investigating R-1 (I-2)…\" and one \"R-1 is already being investigated…\", both private", replies, private)
	}
	if p := l.discord.posts(`proposal P-[2-9]`); len(p) != 0 {
		t.Errorf("a second proposal was posted: %.200s", p[0].text())
	}
	if v2 := len(l.discord.posts(`Revert proposal P-1 \(v2\)`)); v2 != 1 {
		t.Errorf("P-1's v2 card was posted %d times, want once", v2)
	}
	if st := l.discordStatus("P-1"); !strings.Contains(st, "Status: proposed") || !strings.Contains(st, "P-1 (v2)") {
		t.Errorf("P-1 after the double click: %q, want proposed at v2", st)
	}
}
