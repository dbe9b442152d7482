package test

import (
	"strings"
	"testing"
	"time"
)

// TestApproveNotApprover: Mallory, no approver of checkout, clicks Approve
// on the revert proposal: she is told why not, privately, and the refusal
// is audited. Then Slack's user-group lookup fails (a missing scope, then
// a server error) and Bob, an approver through the SPERF group, clicks
// Approve: he is refused, told his groups could not be checked. P-1 stays
// proposed and nothing is merged.
func TestApproveNotApprover(t *testing.T) {
	t.Parallel()
	// Three replicas: a replica that listed the groups trusts the listing
	// for up to a minute, and one that failed to list them answers from
	// that failure for ten seconds, so each click goes to a fresh one.
	l := startLoop(t, loopOptions{replicas: 3})
	defer l.noInternalErrors()
	card := l.autoProposal()

	refusal := func(trig, who string) string {
		t.Helper()
		eventually(t, 20*time.Second, who+"'s click answered", func() bool { return len(l.responses(trig)) > 0 })
		r := l.responses(trig)[0]
		if r.form.Get("response_type") != "ephemeral" {
			t.Errorf("%s's refusal is %q, not ephemeral: %s", who, r.form.Get("response_type"), r.form.Get("text"))
		}
		return r.form.Get("text")
	}
	trig := l.decide(l.replicas[0], "UMALLORY", "approve", card)
	if got := refusal(trig, "Mallory"); !strings.Contains(got, "you are not an approver of service checkout") {
		t.Errorf("Mallory was told %q, want \"…you are not an approver of service checkout…\"", got)
	}
	eventually(t, 10*time.Second, "Mallory's refusal audited", func() bool {
		return strings.Contains(l.status("P-1"), "approve by UMALLORY (refused)")
	})

	for i, fail := range []string{"missing_scope", "http500"} {
		l.slack.setGroups(map[string][]string{"SPERF": {"UBOB"}}, fail)
		before := len(l.slack.callsOf("usergroups.list"))
		trig := l.decide(l.replicas[i+1], "UBOB", "approve", card)
		got := refusal(trig, "Bob ("+fail+")")
		if !strings.Contains(got, "could not check your user groups") {
			t.Errorf("with the group lookup failing (%s), Bob was told %q, want that his groups could not be checked", fail, got)
		}
		if len(l.slack.callsOf("usergroups.list")) == before {
			t.Errorf("%s: Bob was refused without his groups being looked up", fail)
		}
	}
	eventually(t, 10*time.Second, "Bob's refusals audited", func() bool {
		return strings.Count(l.status("P-1"), "approve by UBOB (refused)") == 2
	})
	l.settle()
	st := l.status("P-1")
	if statusLine(st) != "Status: proposed" || strings.Contains(st, "approve by UALICE") {
		t.Errorf("P-1 after the refusals: %q", st)
	}
	if p := l.posts(`approved P-1`); len(p) != 0 {
		t.Errorf("the thread was told %q", callText(p[0]))
	}
	if merges := gitOut(t, l.repo, "log", "--merges", "--oneline", "main"); merges != "" {
		t.Errorf("main has merges after refused approvals: %s", merges)
	}
}
