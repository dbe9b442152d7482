package test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestReplayUpperCasedSignature: once Wattson's own investigation of R-1
// is done, Bob types `/wattson investigate R-1`. An attacker captures the
// signed request and sends it again, once as it was and once
// with the signature's hex letters upper-cased (hex decodes either case).
// Both replays are refused with 401 and nothing happens.
func TestReplayUpperCasedSignature(t *testing.T) {
	t.Parallel()
	l := startLoop(t, loopOptions{replicas: 1})
	defer l.noInternalErrors()
	s := l.replicas[0]
	l.autoProposal()
	form := l.command("UBOB", "", "investigate R-1")
	captured := signedRequest("/slack/commands", form.Encode(), time.Now())
	if code, body := captured.send(t, s); code != http.StatusOK {
		t.Fatalf("the genuine command: %d %s", code, body)
	}
	sig := captured.header.Get("X-Slack-Signature")
	upper := captured
	upper.header = captured.header.Clone()
	upper.header.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(sig, "v0=")))
	if upper.header.Get("X-Slack-Signature") == sig {
		t.Fatalf("signature %s has no hex letters to upper-case", sig)
	}
	for name, r := range map[string]signed{"upper-cased": upper, "verbatim": captured} {
		if code, body := r.send(t, s); code != http.StatusUnauthorized {
			t.Errorf("%s replay: %d %q, want 401", name, code, body)
		}
	}
	eventually(t, 90*time.Second, "the genuine command's investigation finished", func() bool { return len(l.posts(`Findings \(I-2\)`)) > 0 })
	l.settle()
	if n := strings.Count(s.stderr.String(), "replayed request"); n != 2 {
		t.Errorf("%d replays logged as refused, want 2", n)
	}
	if p := l.posts(`Investigating \(I-`); len(p) != 2 {
		t.Errorf("%d progress messages (%v), want 2: Wattson's and the genuine command's", len(p), ids(p, `\((I-\d+)\)`))
	}
	if r := l.responses(form.Get("trigger_id")); len(r) > 1 {
		t.Errorf("the command was answered %d times", len(r))
	}
	if st := l.status("I-3"); !strings.Contains(st, "There is no investigation I-3") {
		t.Errorf("a replay started I-3: %q", st)
	}
}
