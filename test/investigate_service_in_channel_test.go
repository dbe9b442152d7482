package test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestInvestigateServiceInChannel: Bob types `/wattson investigate
// checkout` in a channel of his own, CSOMEWHERE (while Wattson
// investigates the alerted R-1 in #checkout-perf). The investigation's
// thread starts in CSOMEWHERE and its findings are posted in it.
func TestInvestigateServiceInChannel(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 1})
	defer l.noInternalErrors()
	form := l.command("UBOB", "CSOMEWHERE", "investigate checkout")
	code, body := signedRequest("/slack/commands", form.Encode(), time.Now()).send(t, l.replicas[0])
	if code != http.StatusOK {
		t.Fatalf("/wattson investigate checkout: %d %s", code, body)
	}
	reply := responseText(body)
	if strings.TrimSpace(body) == "" {
		trig := form.Get("trigger_id")
		eventually(t, 10*time.Second, "the reply", func() bool { return len(l.responses(trig)) > 0 })
		reply = l.responses(trig)[0].form.Get("text")
	}
	m := regexp.MustCompile(`Investigating checkout \((I-\d+)\)`).FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("/wattson investigate checkout answered %q", reply)
	}
	inv := m[1]
	eventually(t, 90*time.Second, "findings of "+inv, func() bool { return len(l.posts(`Findings \(`+inv+`\)`)) > 0 })
	l.settle()

	var heads []slackCall
	for _, c := range l.slack.callsOf("chat.postMessage") {
		switch ch := c.form.Get("channel"); {
		case ch == "":
			t.Errorf("posted to no channel: %.200s", callText(c))
		case ch == "CSOMEWHERE" && c.form.Get("thread_ts") == "":
			heads = append(heads, c)
		}
	}
	if len(heads) != 1 {
		t.Fatalf("%d top-level posts in CSOMEWHERE, want 1: the head of the investigation's thread", len(heads))
	}
	findings := l.posts(`Findings \(` + inv + `\)`)
	if len(findings) != 1 {
		t.Fatalf("%d findings of %s posted, want 1", len(findings), inv)
	}
	f := findings[0]
	if f.form.Get("channel") != "CSOMEWHERE" || f.form.Get("thread_ts") != heads[0].ts {
		t.Errorf("findings posted in channel %q thread %q, want CSOMEWHERE thread %q (the head %q)",
			f.form.Get("channel"), f.form.Get("thread_ts"), heads[0].ts, callText(heads[0]))
	}
	if !strings.Contains(callText(f), l.sample.Culprit[:7]) {
		t.Errorf("the findings do not name the culprit %s: %s", l.sample.Culprit[:7], callText(f))
	}
	for _, c := range l.posts(`Investigating \(` + inv + `\)`) {
		if c.form.Get("channel") != "CSOMEWHERE" || c.form.Get("thread_ts") != heads[0].ts {
			t.Errorf("progress posted in channel %q thread %q, want CSOMEWHERE's new thread", c.form.Get("channel"), c.form.Get("thread_ts"))
		}
	}
	if strings.Contains(l.replicas[0].stderr.String(), "channel_not_found") {
		t.Errorf("Slack answered channel_not_found")
	}
}
