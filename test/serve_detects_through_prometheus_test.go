package test

import (
	"math"
	"strings"
	"testing"
	"time"
)

// TestPromServeTenDayLookback: a team points a detection job at its real
// Prometheus (Debian's 2.42, backfilled with promtool) with a 10-day
// lookback at 60 s: 14,400 points per series, more than the 11,000 that
// Prometheus answers in one query_range. `wattson serve` still reads the
// whole window and alerts the step that happened 8 days ago, once, in
// the team's channel, with nothing logged as an error.
func TestPromServeTenDayLookback(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	start, stepAt := now.Add(-240*time.Hour), now.Add(-192*time.Hour)
	var samples []promRealSample
	for ts, i := start, 0; ts.Before(now); ts, i = ts.Add(time.Minute), i+1 {
		v := 1 + 0.01*math.Sin(float64(i)*1.7)
		if !ts.Before(stepAt) {
			v += 0.3
		}
		samples = append(samples, promRealSample{`service="checkout",instance="i-0001"`, v, ts.Unix()})
	}
	prom := promStartReal(t, promFleetMetric, samples)
	slack := newFakeSlack(t)
	cfg := `chat:
  platforms: [slack]
slack:
  api_url: ` + slack.srv.GetAPIURL() + `
  min_interval: 10ms
detection:
  prometheus: ` + prom + `
  jobs:
  - name: checkout-cpu
    query: ` + promFleetMetric + `{service="checkout"}
    schedule: "@every 1s"
    step: 60s
    lookback: 240h
    service: checkout
    investigate: manual
    policy: {min_pct: 5}
routes:
- match: {service: checkout}
  channel: "#checkout-perf"
`
	s := startSlackServe(t, cfg)
	eventually(t, 60*time.Second, "the step alerted", func() bool {
		return len(topLevelAlerts(slack, "#checkout-perf")) >= 1
	})
	eventually(t, 60*time.Second, "a second tick done", func() bool {
		return strings.Count(s.stderr.String(), `msg="detection tick"`) >= 2
	})
	s.stop(t)
	alerts := topLevelAlerts(slack, "#checkout-perf")
	if len(alerts) != 1 {
		t.Fatalf("%d alerts, want 1", len(alerts))
	}
	text := callText(alerts[0])
	for _, want := range []string{"i-0001", stepAt.UTC().Format("2006-01-02")} {
		if !strings.Contains(text, want) {
			t.Errorf("alert lacks %q:\n%s", want, text)
		}
	}
	if log := s.stderr.String(); strings.Contains(log, "level=ERROR") || strings.Contains(log, "11,000") {
		t.Errorf("errors logged:\n%s", quiet(log))
	}
}
