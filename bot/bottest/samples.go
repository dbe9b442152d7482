// Package bottest holds fixtures shared by the bot's tests: a whole bot
// wired as cmd/wattson wires it, over a recording chat, a settable clock
// and a real store (fixture.go), and the messages the bot sends, built
// from fixed records, so that every chat adapter pins its rendering of the
// same inputs in golden files (samples.go).
package bottest

import (
	"strings"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// Samples returns named messages covering every part of the message model:
// an alert with fields, chart and buttons, a proposal, progress, findings,
// help, a private refusal and a long text that must be split.
func Samples() map[string]bot.Message {
	change := time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)
	r := store.Regression{
		ID: "R-12", Service: "checkout", Metric: "cpu_per_request",
		SeriesKey: `cpu_per_request{service="checkout"}`, ChangeTime: change, DetectedAt: change.Add(2 * time.Hour),
		Before: 0.0104, After: 0.0129, Pct: 24.0, Confidence: 0.999, Direction: store.DirectionUp, Status: store.RegressionOpen,
	}
	p := store.Proposal{ID: "P-7", Kind: store.ProposalRevert, RegressionID: "R-12", Target: "abc1234def5678",
		Repo: "shop/checkout", Version: 3, Status: store.ProposalProposed,
		Title: `Revert "Compile price regexp per request"`, Body: "Reverts abc1234: it compiles a regexp on every request."}
	decided := p
	decided.Status, decided.DecidedBy, decided.DecidedAt, decided.Reason = store.ProposalRejected, "U024BE7LH", change.Add(5*time.Hour), "fix forward instead"
	inv := store.Investigation{ID: "I-4", Mode: store.ModePlaybook, Steps: make([]store.Step, 6),
		Verdict: "abc1234 (Compile price regexp per request) shipped in deploy v1.42 at 09:00 and regexp.Compile went from 0% to 19% of CPU.",
		Suspects: []store.Suspect{
			{Commit: "abc1234def5678", Author: "dev@shop.example", Title: "Compile price regexp per request", Score: 0.91,
				Evidence: []string{"shipped in v1.42, 2 minutes before the change", "regexp.Compile +19% CPU in the profile diff"}},
			{Commit: "0fedcba9876543", Title: "Bump logging library", Score: 0.12},
		}}
	var long strings.Builder
	for i := range 120 {
		long.WriteString("Step ")
		long.WriteString(strings.Repeat("x", i%40))
		long.WriteString(" finished and reported a long and detailed summary of what it saw in the profiles.\n")
	}
	return map[string]bot.Message{
		"alert":    bot.AlertMessage(r, 3.2, 32, []byte("\x89PNG fake")),
		"proposal": bot.ProposalMessage(p),
		"decided":  bot.ProposalMessage(decided),
		"progress": bot.ProgressMessage("I-4", []bot.Progress{{Text: "find_change_point: 09:00 ± 5m"}, {Text: "deploys_in_window: 1 deploy (v1.42)"}, {Text: "profile_diff: no profile of checkout near 09:00", Failed: true}}, false, 0),
		"findings": bot.FindingsMessage(inv),
		"refusal":  {Text: "Sorry, you can't approve P-7: you are not an approver of service checkout in this channel.", Private: true},
		"long":     {Title: "Investigation log", Text: long.String()},
	}
}
