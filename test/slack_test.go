package test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const signingSecret = "e2e-signing-secret"

// slackServe starts `wattson serve` wired to a fake Slack and a fake
// Prometheus whose checkout CPU series stepped up a day ago, with a
// detection job that scans it every second.
func slackServe(t *testing.T) (*server, *fakeSlack) {
	t.Helper()
	slack := newFakeSlack(t)
	prom := fakePrometheus(t, time.Now().Add(-24*time.Hour))
	cfg := `chat:
  platforms: [slack]
slack:
  api_url: ` + slack.srv.GetAPIURL() + `
detection:
  prometheus: ` + prom.URL + `
  jobs:
  - name: checkout-cpu
    query: service:cpu_seconds_per_request:rate5m{service="checkout"}
    schedule: "@every 1s"
    step: 5m
    lookback: 72h
    service: checkout
    policy: {min_pct: 5}
routes:
- match: {service: checkout}
  channel: "#checkout-perf"
approvers:
- service: checkout
  users: [UALICE]
`
	s := startSlackServe(t, cfg)
	return s, slack
}

// topLevelAlerts are the messages posted to a channel outside any thread.
func topLevelAlerts(slack *fakeSlack, channel string) []slackCall {
	var out []slackCall
	for _, c := range slack.callsOf("chat.postMessage") {
		if c.form.Get("channel") == channel && c.form.Get("thread_ts") == "" {
			out = append(out, c)
		}
	}
	return out
}

// slackRequest posts a form to one of Wattson's Slack endpoints, signed
// with secret at ts as Slack signs it.
func slackRequest(t *testing.T, s *server, path string, form url.Values, secret string, ts time.Time) (int, string) {
	t.Helper()
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, "http://"+s.addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sec := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + sec + ":" + body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", sec)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// triggers numbers the slash commands and clicks a test sends: Slack gives
// each its own trigger_id (and keeps it when it retries a delivery).
var triggers atomic.Int64

// trigger returns a fresh trigger_id.
func trigger() string { return fmt.Sprintf("%d.%d", time.Now().Unix(), triggers.Add(1)) }

func slashCommand(user, text string) url.Values {
	return url.Values{"command": {"/wattson"}, "text": {text}, "user_id": {user}, "channel_id": {"CCHECKOUT-PERF"},
		"channel_name": {"checkout-perf"}, "response_url": {"http://127.0.0.1:1/unused"}, "trigger_id": {trigger()}}
}

func TestSlackDetectAlertOnceAndDecide(t *testing.T) {
	s, slack := slackServe(t)

	// The detection job finds the step and posts exactly one alert, with
	// its buttons, however many scans follow.
	eventually(t, 30*time.Second, "an alert in #checkout-perf", func() bool {
		return len(topLevelAlerts(slack, "#checkout-perf")) > 0
	})
	time.Sleep(3 * time.Second) // three more scans
	alerts := topLevelAlerts(slack, "#checkout-perf")
	if len(alerts) != 1 {
		t.Fatalf("%d top-level alerts, want exactly 1", len(alerts))
	}
	blocks := alerts[0].form.Get("blocks")
	for _, want := range []string{"R-1", "wattson:investigate:R-1", "wattson:dismiss:R-1"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("alert blocks lack %q: %s", want, blocks)
		}
	}

	// A signed slash command is answered; forged and stale ones are refused.
	code, body := slackRequest(t, s, "/slack/commands", slashCommand("UBOB", "list"), signingSecret, time.Now())
	if code != http.StatusOK || !strings.Contains(body, "R-1") {
		t.Fatalf("signed /wattson list: %d %s", code, body)
	}
	for name, req := range map[string]struct {
		secret string
		at     time.Time
	}{"forged": {"wrong-secret", time.Now()}, "stale": {signingSecret, time.Now().Add(-6 * time.Minute)}} {
		if code, _ := slackRequest(t, s, "/slack/commands", slashCommand("UALICE", "dismiss R-1"), req.secret, req.at); code != http.StatusUnauthorized {
			t.Errorf("%s command: %d, want 401", name, code)
		}
	}

	// A non-approver's Dismiss (the click, then the modal asking why) is
	// refused; the approver's is applied.
	status := func() string {
		_, body := slackRequest(t, s, "/slack/commands", slashCommand("UBOB", "status R-1"), signingSecret, time.Now())
		return body
	}
	ts := "1700000000.000001"
	if code, _ := slackRequest(t, s, "/slack/interactions", uxReasonSubmission("UBOB", "dismiss", "R-1", ts, "noise"), signingSecret, time.Now()); code != http.StatusOK {
		t.Fatalf("non-approver click: %d", code)
	}
	eventually(t, 10*time.Second, "the refusal audited", func() bool { return strings.Contains(status(), "dismiss by UBOB (refused)") })
	if st := status(); strings.Contains(st, "Status: dismissed") {
		t.Fatalf("non-approver dismissed R-1: %s", st)
	}
	if code, _ := slackRequest(t, s, "/slack/interactions", uxReasonSubmission("UALICE", "dismiss", "R-1", ts, "noise"), signingSecret, time.Now()); code != http.StatusOK {
		t.Fatalf("approver click: %d", code)
	}
	eventually(t, 10*time.Second, "R-1 dismissed by the approver", func() bool {
		st := status()
		return strings.Contains(st, "Status: dismissed") && strings.Contains(st, "dismiss by UALICE")
	})
	s.stop(t)
}
