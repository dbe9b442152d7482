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
	"github.com/wattson-dev/wattson/bot/digest"
	"github.com/wattson-dev/wattson/store"
)

// Samples returns named messages covering every part of the message model:
// an alert with fields, chart and buttons, a proposal before and after a
// decision (rejected; merged, with Rollback), progress, findings, the
// digest, a private refusal and a long text that must be split.
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
	merged := p
	merged.Status, merged.DecidedBy, merged.DecidedAt, merged.PRURL = store.ProposalMerged, "U024BE7LH", change.Add(5*time.Hour), "https://github.com/shop/checkout/pull/42"
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
	alert := bot.AlertMessage(r, bot.DescribeMetric(r.Metric), 3.2, 32, []byte("\x89PNG fake"))
	alert.Image.Ref = "F0CHART12" // as Slack's upload names it
	return map[string]bot.Message{
		"alert":    alert,
		"proposal": bot.ProposalMessage(p),
		"decided":  bot.ProposalMessage(decided),
		"merged":   bot.ProposalMessage(merged),
		"digest":   digest.DigestMessage(sampleDigest(change), []byte("\x89PNG fake")),
		"progress": bot.ProgressMessage("I-4", []bot.Progress{{Text: "find_change_point: 09:00 ± 5m"}, {Text: "deploys_in_window: 1 deploy (v1.42)"}, {Text: "profile_diff: no profile of checkout near 09:00", Failed: true}}, false, 0),
		"findings": bot.FindingsMessage(inv),
		"reminder": bot.ReminderMessage(p, 26*time.Hour, []string{"<@U024BE7LH>", "<!subteam^S0614TZR7>"}),
		"refusal":  {Text: "Sorry, you can't approve P-7: you are not an approver of service checkout in this channel.", Private: true},
		"long":     {Title: "Investigation log", Text: long.String()},
	}
}

// sampleDigest is a week's digest of #checkout-perf ending a day after
// change.
func sampleDigest(change time.Time) digest.Digest {
	to := change.Add(24 * time.Hour)
	return digest.Digest{
		Scope: "#checkout-perf", From: to.Add(-7 * 24 * time.Hour), To: to,
		Caught: 3, Resolved: 2, Dismissed: 1,
		Response: digest.Response{Detect: digest.Spread{N: 3, Median: 4 * time.Minute, P90: 9 * time.Minute, Worst: 11 * time.Minute}},
		Waiting: []store.Proposal{{ID: "P-9", Title: "Revert \"Cache coupon lookups\"", Status: store.ProposalProposed,
			ShownRevision: 1, Revision: 1, ShownAt: to.Add(-30 * time.Hour), ProposedAt: to.Add(-30 * time.Hour)}},
		Cores: 3.2, Watts: 32, MWh: 5.4, WattsPerCore: 10,
		Top: []store.Opportunity{{ID: "O-3", Service: "checkout", Pattern: "regexp.MustCompile in a hot path",
			Function: "shop/checkout/api.validCoupon", Cores: 0.8, Watts: 8}},
		ByWattson: 2, ByPeople: 1,
	}
}
