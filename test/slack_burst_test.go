package test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestSlackBurstUnderRateLimit has one detection scan find 50 regressions
// for one channel while the fake Slack answers every 7th post with 429: all
// 50 alerts arrive, each once, in the order they were raised.
func TestSlackBurstUnderRateLimit(t *testing.T) {
	const n = 50
	slack := newFakeSlack(t)
	slack.rateLimitEvery = 7
	prom := fakePrometheusN(t, time.Now().Add(-24*time.Hour), n)
	cfg := `chat:
  platforms: [slack]
slack:
  api_url: ` + slack.srv.GetAPIURL() + `
  min_interval: 10ms
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
`
	s := startSlackServe(t, cfg)

	eventually(t, 90*time.Second, fmt.Sprintf("%d alerts", n), func() bool {
		return len(topLevelAlerts(slack, "#checkout-perf")) >= n
	})
	time.Sleep(2 * time.Second) // later scans must add nothing
	alerts := topLevelAlerts(slack, "#checkout-perf")
	if len(alerts) != n {
		t.Fatalf("%d alerts, want exactly %d", len(alerts), n)
	}
	for i, a := range alerts {
		if id := fmt.Sprintf("(R-%d)", i+1); !strings.Contains(a.form.Get("text"), id) {
			var got []string
			for _, a := range alerts {
				got = append(got, a.form.Get("text")[len(a.form.Get("text"))-6:])
			}
			t.Fatalf("alert %d is %q, want %s: out of order: %v\n%s", i, a.form.Get("text"), id, got, s.stderr)
		}
	}
	slack.mu.Lock()
	limited := slack.limited
	slack.mu.Unlock()
	if limited == 0 {
		t.Error("the fake never rate-limited: the test proves nothing")
	}

	// A replayed slash command (same signature and timestamp) is refused.
	form := slashCommand("UBOB", "list")
	at := time.Now()
	if code, _ := slackRequest(t, s, "/slack/commands", form, signingSecret, at); code != http.StatusOK {
		t.Fatalf("first command: %d", code)
	}
	if code, _ := slackRequest(t, s, "/slack/commands", url.Values(form), signingSecret, at); code != http.StatusUnauthorized {
		t.Errorf("replayed command: %d, want 401", code)
	}
	s.stop(t)
}
