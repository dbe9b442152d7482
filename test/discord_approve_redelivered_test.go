package test

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDiscordApproveRedelivered: Alice clicks Approve and confirms; her
// confirming click reaches both replicas, the one interaction (same id
// and token) delivered twice and signed afresh each time. The revert is
// merged once, the approval is audited once and the thread is told once,
// the approval first.
func TestDiscordApproveRedelivered(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 2, discord: true})
	defer l.noInternalErrors()
	card := l.discordAutoProposal()
	id := l.uxDiscordConfirm(l.replicas[0], discordAlice, card, "wattson?approve:P-1")
	click := discordClick(discordAlice, id, card)
	a := l.discord.signedInteraction(click, time.Now().Add(-time.Second))
	b := l.discord.signedInteraction(click, time.Now())
	var codes [2]int
	var replies [2]string
	concurrently(func() {
		var body string
		codes[0], body = a.send(t, l.replicas[0])
		replies[0], _ = discordReply(body)
	}, func() {
		var body string
		codes[1], body = b.send(t, l.replicas[1])
		replies[1], _ = discordReply(body)
	})
	t.Logf("the deliveries were answered %v %q", codes, replies)
	eventually(t, 60*time.Second, "the thread told P-1 is merged", func() bool { return len(l.discord.posts(`P-1: wattson/revert-\S+ is merged`)) > 0 })
	l.settle()

	var reverts []string
	for _, m := range strings.Split(gitOut(t, l.repo, "log", "--merges", "--format=%s", "main"), "\n") {
		if strings.HasPrefix(m, "Merge wattson/revert-") {
			reverts = append(reverts, m)
		}
	}
	if len(reverts) != 1 {
		t.Errorf("main has %d revert merges %q, want 1", len(reverts), reverts)
	}
	st := l.discordStatus("P-1")
	if n := len(regexp.MustCompile(`approve by `+discordAlice+`\b`).FindAllString(st, -1)); n != 1 || !strings.Contains(st, "Status: merged") {
		t.Errorf("P-1 has %d approvals by Alice in its history, want 1, and merged:\n%s", n, st)
	}
	approved, merged := l.discord.posts(`approved P-1`), l.discord.posts(`P-1: wattson/revert-\S+ is merged`)
	if len(approved) != 1 || len(merged) != 1 {
		t.Fatalf("the thread was told %d times it was approved and %d times it is merged, want once each", len(approved), len(merged))
	}
	if approved[0].channel() != card.channel() || merged[0].channel() != card.channel() {
		t.Errorf("approved in %s, merged in %s; want both in P-1's thread %s", approved[0].channel(), merged[0].channel(), card.channel())
	}
	if approved[0].id >= merged[0].id { // snowflakes of equal length, handed out in order
		t.Errorf("\"is merged\" (%s) was posted before \"approved\" (%s)", merged[0].id, approved[0].id)
	}
}
