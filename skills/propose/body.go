package propose

import (
	"fmt"
	"strings"
	"time"
)

// Evidence is what a reviewer needs to judge a revert or fix: the
// regression, what got slower, where, and what it costs.
type Evidence struct {
	// Service, Metric, Before, After, Pct and ChangeTime describe the
	// regression.
	Service    string    `json:"service,omitempty"`
	Metric     string    `json:"metric,omitempty"`
	Before     float64   `json:"before,omitempty"`
	After      float64   `json:"after,omitempty"`
	Pct        float64   `json:"pct,omitempty"`
	ChangeTime time.Time `json:"change_time,omitzero"`
	// RegressionID is Wattson's id, such as "R-12".
	RegressionID string `json:"regression_id,omitempty"`
	// ProfileDelta lists the functions that got slower, one line each
	// ("regexp.Compile 0% → 19% of CPU").
	ProfileDelta []string `json:"profile_delta,omitempty"`
	// MatchedLines lists the changed lines the new cost lands on.
	MatchedLines []string `json:"matched_lines,omitempty"`
	// Notes are any other findings, one sentence each.
	Notes []string `json:"notes,omitempty"`
	// Cores and Watts estimate the cost (or, for a fix, the saving).
	Cores float64 `json:"cores,omitempty"`
	Watts float64 `json:"watts,omitempty"`
	// Thread links back to the alert thread: a URL, or a description of
	// where it is.
	Thread string `json:"thread,omitempty"`
	// Benchmark is a before/after benchmark result, when one was run.
	Benchmark string `json:"benchmark,omitempty"`
}

// RevertBody is the description of a revert pull request of commit (its
// title and author given) with the evidence.
func RevertBody(commit, title, author string, ev Evidence) string {
	var b strings.Builder
	fmt.Fprintf(&b, "This reverts %s", commit)
	if title != "" {
		fmt.Fprintf(&b, " (%q", title)
		if author != "" {
			fmt.Fprintf(&b, " by %s", author)
		}
		b.WriteString(")")
	}
	b.WriteString(", which Wattson found to be the most likely cause of a performance regression.\n")
	writeEvidence(&b, ev)
	b.WriteString("\nThis pull request is a draft until an approver approves it from the alert thread.\n")
	return b.String()
}

// FixBody is the description of a fix pull request with the evidence.
func FixBody(summary string, ev Evidence) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(summary))
	b.WriteString("\n")
	writeEvidence(&b, ev)
	b.WriteString("\nThis pull request is a draft until an approver approves it from the alert thread.\n")
	return b.String()
}

// ConflictText is the proposal text used when a revert cannot be prepared
// automatically: what changed since, and how to revert by hand.
func ConflictText(commit string, files []string, ev Evidence) string {
	var b strings.Builder
	fmt.Fprintf(&b, "I could not prepare the revert of %s automatically: ", commit)
	fmt.Fprintf(&b, "%s changed since it landed. Revert it by hand and resolve the conflicts:\n\n", strings.Join(quote(files), ", "))
	fmt.Fprintf(&b, "    git revert %s\n", commit)
	writeEvidence(&b, ev)
	return b.String()
}

// writeEvidence appends the evidence sections that are known.
func writeEvidence(b *strings.Builder, ev Evidence) {
	if ev.Metric != "" {
		fmt.Fprintf(b, "\n### Regression\n\n%s", ev.Metric)
		if ev.Service != "" {
			fmt.Fprintf(b, " of %s", ev.Service)
		}
		fmt.Fprintf(b, " went from %.4g to %.4g (%+.1f%%)", ev.Before, ev.After, ev.Pct)
		if !ev.ChangeTime.IsZero() {
			fmt.Fprintf(b, " at %s", ev.ChangeTime.UTC().Format(time.RFC3339))
		}
		if ev.RegressionID != "" {
			fmt.Fprintf(b, " (Wattson %s)", ev.RegressionID)
		}
		b.WriteString(".\n")
	}
	list(b, "Profile delta", ev.ProfileDelta)
	list(b, "Matched lines", ev.MatchedLines)
	list(b, "Evidence", ev.Notes)
	if ev.Cores != 0 || ev.Watts != 0 {
		fmt.Fprintf(b, "\n### Estimated cost\n\n%.2f cores ≈ %.0f W\n", ev.Cores, ev.Watts)
	}
	if ev.Benchmark != "" {
		fmt.Fprintf(b, "\n### Benchmark (before → after)\n\n```\n%s\n```\n", strings.TrimSpace(ev.Benchmark))
	}
	if ev.Thread != "" {
		fmt.Fprintf(b, "\nAlert thread: %s\n", ev.Thread)
	}
}

func list(b *strings.Builder, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "\n### %s\n\n", title)
	for _, it := range items {
		fmt.Fprintf(b, "- %s\n", it)
	}
}

func quote(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return out
}
