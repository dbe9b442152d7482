package bot

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// TimeLayout is how times are shown in chat.
const TimeLayout = "2006-01-02 15:04 MST"

// AlertMessage renders the top-level alert of a regression, its metric
// named and its levels shown as info says. Buttons are offered while the
// regression is still open for a decision.
func AlertMessage(r store.Regression, info MetricInfo, cores, watts float64, chart []byte) Message {
	arrow := "up"
	if r.Direction == store.DirectionDown {
		arrow = "down"
	}
	if info.Display == "" {
		info.Display = r.Metric
	}
	m := Message{
		Title: fmt.Sprintf("%s: %s %s %.1f%% (%s)", r.Service, info.Display, arrow, abs(r.Pct), r.ID),
		Text:  fmt.Sprintf("`%s` changed at %s.", r.SeriesKey, r.ChangeTime.UTC().Format(TimeLayout)),
		Fields: []Field{
			{"Before → after", info.Levels(r.Before, r.After)},
			{"Change", fmt.Sprintf("%+.1f%% (confidence %.1f%%)", r.Pct, r.Confidence*100)},
		},
		Footer: fmt.Sprintf("Status: %s · detected %s", r.Status, r.DetectedAt.UTC().Format(TimeLayout)),
	}
	if r.Function != "" { // found in the profiles (detector/funcschedule)
		m.Fields = append(m.Fields, Field{"Function", fmt.Sprintf("`%s` (%+.2f%% of the service's CPU)", r.Function, r.ServicePct)})
	}
	if cores != 0 {
		m.Fields = append(m.Fields, Field{"Estimated cost", Cost(cores, watts)})
	}
	if len(r.DataWarnings) > 0 {
		// A partial response looks complete unless someone says so.
		m.Fields = append(m.Fields, Field{"⚠ Partial data", "The metrics source warned that its answer may be incomplete: " +
			strings.Join(r.DataWarnings, "; ")})
	}
	if chart != nil || r.Thread.Image != "" {
		// A redraw shows the chart the alert was posted with.
		m.Image = &Image{Name: r.ID + ".png", Alt: fmt.Sprintf("%s over time, change marked at %s", info.Display, r.ChangeTime.UTC().Format(TimeLayout)),
			PNG: chart, Ref: r.Thread.Image}
	}
	if r.Status == store.RegressionOpen {
		// Investigate only while no investigation runs or proposed a fix.
		m.Buttons = append(m.Buttons, Button{Label: "Investigate", Action: ActionInvestigate, RecordID: r.ID, Style: StylePrimary})
	}
	if r.Status.AwaitsDecision() {
		m.Buttons = append(m.Buttons, Button{Label: "Dismiss", Action: ActionDismiss, RecordID: r.ID})
	}
	return m
}

// ProposalMessage renders a proposal; while it is proposed it carries
// Approve and Reject buttons bound to its current version.
func ProposalMessage(p store.Proposal) Message {
	verb := map[store.ProposalKind]string{store.ProposalRevert: "Revert", store.ProposalFix: "Fix", store.ProposalTune: "Tune"}[p.Kind]
	m := Message{
		Title:  fmt.Sprintf("%s proposal %s: %s", verb, p.ID, p.Title),
		Text:   p.Body,
		Fields: []Field{{"Target", "`" + p.Target + "`"}},
		Footer: "Status: " + string(p.Status),
	}
	if p.Repo != "" {
		m.Fields = append(m.Fields, Field{"Repository", repoName(p.Repo)})
	}
	m.Links = ProposalLinks(p)
	if p.PRURL != "" && !isWebURL(p.PRURL) {
		// A local clone's change is a branch, not a pull request.
		m.Fields = append(m.Fields, Field{"Branch", "`" + p.PRURL + "`"})
	}
	switch p.Status {
	case store.ProposalProposed:
		// The revision is what an approval binds to; once decided, it no
		// longer matters.
		m.Title = fmt.Sprintf("%s proposal %s (v%d): %s", verb, p.ID, p.Rev(), p.Title)
		label, does := "Approve", "approves the change"
		if p.Kind == store.ProposalRevert {
			label, does = "Approve revert", "approves reverting `"+Short(p.Target)+"`"
		}
		if p.PRURL != "" {
			does += " and marks its pull request ready to merge"
		}
		m.Buttons = []Button{
			{Label: label, Action: ActionApprove, RecordID: p.ID, Version: p.Rev(), Style: StylePrimary,
				Confirm: &Confirm{Title: label + "?", Text: fmt.Sprintf("This %s (%s, v%d): %s.", does, p.ID, p.Rev(), p.Title), OK: label}},
			{Label: "Reject", Action: ActionReject, RecordID: p.ID, Version: p.Rev(), Style: StyleDanger},
		}
	case store.ProposalApproved, store.ProposalMerged:
		m.Buttons = []Button{{Label: "Roll back", Action: ActionRollback, RecordID: p.ID, Style: StyleDanger,
			Confirm: &Confirm{Title: "Roll back " + p.ID + "?", Text: fmt.Sprintf("This undoes %s (%s): %s.", p.ID, p.Status, p.Title), OK: "Roll back"}}}
		fallthrough
	default:
		m.Footer = fmt.Sprintf("Status: %s by %s at %s", p.Status, p.DecidedBy, p.DecidedAt.UTC().Format(TimeLayout))
		if p.Reason != "" {
			m.Footer += " — " + p.Reason
		}
	}
	return m
}

// ProgressMessage renders the one message an investigation edits as it goes.
func ProgressMessage(invID string, steps []Progress, done bool, took time.Duration) Message {
	var b strings.Builder
	for _, s := range steps {
		mark := "✓"
		if s.Failed {
			mark = "✗"
		}
		fmt.Fprintf(&b, "%s %s\n", mark, s.Text)
	}
	title := fmt.Sprintf("Investigating (%s)", invID)
	if done {
		title = fmt.Sprintf("Investigation %s finished in %s", invID, took.Round(time.Second))
	}
	if len(steps) == 0 {
		b.WriteString("starting…")
	}
	return Message{Title: title, Text: strings.TrimRight(b.String(), "\n")}
}

// FindingsMessage renders what an investigation found.
func FindingsMessage(inv store.Investigation) Message {
	m := Message{Title: fmt.Sprintf("Findings (%s)", inv.ID), Text: inv.Verdict}
	for i, s := range inv.Suspects {
		if i == 3 {
			break
		}
		v := fmt.Sprintf("`%s` %s", Short(s.Commit), s.Title)
		if s.Author != "" {
			v += " — " + s.Author
		}
		if len(s.Evidence) > 0 {
			v += "\n• " + strings.Join(s.Evidence, "\n• ")
		}
		m.Fields = append(m.Fields, Field{fmt.Sprintf("Suspect %d (score %.2f)", i+1, s.Score), v})
	}
	if len(inv.Suspects) == 0 && inv.Verdict == "" {
		m.Text = "No likely culprit found."
	}
	m.Footer = fmt.Sprintf("%d steps · %s mode", len(inv.Steps), inv.Mode)
	if inv.TokensUsed > 0 {
		m.Footer += fmt.Sprintf(" · %d tokens · $%.4f", inv.TokensUsed, inv.Cost)
	}
	return m
}

// Short is a commit id as chat shows it: its first ten characters.
func Short(sha string) string {
	if len(sha) > 10 {
		return sha[:10]
	}
	return sha
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Num formats a level compactly for chat: 3 significant digits, no
// exponent for everyday magnitudes.
func Num(x float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.3g", x), ".0")
}

// Pct renders a share (0..1) as a percentage: "29%", "0.4%".
func Pct(share float64) string { return Num(100*share) + "%" }

// ShortFunc drops a function name's import path: "api.validCoupon".
func ShortFunc(fn string) string {
	return fn[strings.LastIndexByte(fn, '/')+1:]
}

// ReminderMessage reminds approvers (mentions, see Core.ApproverMentions)
// that proposal p has waited for a decision for waited.
func ReminderMessage(p store.Proposal, waited time.Duration, mentions []string) Message {
	who := strings.Join(mentions, " ")
	if who == "" {
		who = "Approvers:"
	}
	return Message{Text: fmt.Sprintf("%s %s (v%d) has waited %s for a decision: %s. Approve or reject it on its card above, or with `/wattson approve %s` / `/wattson reject %s <why>`.",
		who, p.ID, p.Rev(), Wait(waited), p.Title, p.ID, p.ID)}
}

// Wait writes a waiting time as people say it: "45 minutes", "4 hours",
// "3 days".
func Wait(d time.Duration) string {
	unit := func(n int, s string) string {
		if n == 1 {
			return "1 " + s
		}
		return fmt.Sprintf("%d %ss", n, s)
	}
	switch {
	case d < time.Minute:
		return unit(int(d.Round(time.Second)/time.Second), "second")
	case d < time.Hour:
		return unit(int(d.Round(time.Minute)/time.Minute), "minute")
	case d < 48*time.Hour:
		return unit(int(d.Round(time.Hour)/time.Hour), "hour")
	}
	return unit(int(d.Round(24*time.Hour)/(24*time.Hour)), "day")
}

// repoName is a repository as chat shows it: "owner/repo" as it is, a
// local clone by its directory's name, never the server's path.
func repoName(repo string) string {
	if strings.HasPrefix(repo, "/") || strings.HasPrefix(repo, ".") || strings.Contains(repo, `\`) {
		return path.Base(strings.ReplaceAll(repo, `\`, "/"))
	}
	return repo
}

// isWebURL reports whether s is an http(s) address.
func isWebURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// onGitHub reports whether repo names a GitHub repository ("owner/repo").
func onGitHub(repo string) bool {
	owner, name, ok := strings.Cut(repo, "/")
	return ok && owner != "" && name != "" && !strings.ContainsAny(name, "/ ") && !strings.HasPrefix(repo, ".")
}

// ProposalLinks are the web pages of a proposal: its pull request, and
// on GitHub the commit it targets (GitHub's URLs, the default for a
// service on GitHub).
func ProposalLinks(p store.Proposal) []Link {
	var ls []Link
	if isWebURL(p.PRURL) {
		label := "Pull request"
		if p.PRNumber > 0 {
			label = fmt.Sprintf("Pull request #%d", p.PRNumber)
		}
		ls = append(ls, Link{label, p.PRURL})
	}
	if onGitHub(p.Repo) && isSHA(p.Target) {
		ls = append(ls, Link{"Commit " + Short(p.Target), "https://github.com/" + p.Repo + "/commit/" + p.Target})
	}
	return ls
}

// isSHA reports whether s looks like a commit id: 7 to 40 hex digits.
func isSHA(s string) bool {
	if len(s) < 7 || len(s) > 40 {
		return false
	}
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}
