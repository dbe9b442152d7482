package bot

import "strings"

// usage is the synopsis and one-line purpose of a command.
type usage struct {
	verb     Verb
	synopsis string
	purpose  string
}

// usages lists every command in the order help shows them.
func usages() []usage {
	return []usage{
		{VerbInvestigate, "/wattson investigate <R-id | service [metric] [since]>", "find the likely culprit of a regression"},
		{VerbApprove, "/wattson approve <P-id>", "approve a proposed revert or fix (approvers only)"},
		{VerbReject, "/wattson reject <P-id> [why]", "reject a proposal (approvers only)"},
		{VerbRollback, "/wattson rollback <R-id | P-id>", "roll back the culprit of a regression, or undo a proposal (approvers only)"},
		{VerbDismiss, "/wattson dismiss <R-id> [why]", "close a regression as not worth fixing (approvers only)"},
		{VerbStatus, "/wattson status [id]", "show a record, or what is open"},
		{VerbList, "/wattson list", "list open regressions and proposals"},
		{VerbDigest, "/wattson digest", "this channel's summary: regressions, response times, savings"},
		{VerbSkills, "/wattson skills", "list the skills, their hits and approval rates"},
		{VerbHelp, "/wattson help [command]", "show this help"},
	}
}

// usageOf returns the synopsis of v, or the list of commands when v is not
// a command.
func usageOf(v Verb) string {
	for _, u := range usages() {
		if u.verb == v {
			return u.synopsis
		}
	}
	return "/wattson " + verbList()
}

func verbList() string {
	names := make([]string, len(usages()))
	for i, u := range usages() {
		names[i] = string(u.verb)
	}
	return strings.Join(names, " | ")
}

// helpText is the full help, or the help of one command.
func helpText(topic Verb) Message {
	var b strings.Builder
	for _, u := range usages() {
		if topic != "" && u.verb != topic {
			continue
		}
		b.WriteString("`" + u.synopsis + "` — " + u.purpose + "\n")
	}
	m := Message{Title: "Wattson commands", Text: strings.TrimRight(b.String(), "\n"), Private: true}
	if topic == "" {
		m.Footer = "Or mention me with a question, like \"@wattson why did checkout CPU go up yesterday?\""
	}
	return m
}

// suggest returns the verb closest to w (by edit distance at most 2), or "".
func suggest(w string) string {
	best, bestD := "", 3
	for _, u := range usages() {
		if d := editDistance(w, string(u.verb)); d < bestD {
			best, bestD = string(u.verb), d
		}
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
