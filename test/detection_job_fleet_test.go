package test

import (
	"strings"
	"testing"
	"time"
)

// TestPromDetectionJobFleetWithinBudget: a team configures a detection job
// over its fleet of 3,000 series, 2 days at 60 s, against a Prometheus
// whose --query.max-samples is 2M, with detection.max_samples 2000000.
// `wattson serve` sends the job's query in shards that the server
// accepts, and alerts each planted step once in the team's channel,
// nothing else.
func TestPromDetectionJobFleetWithinBudget(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	planted := []int{42, 1500, 2718}
	fake := newPromFleet(t, 3000, planted, now.Add(-12*time.Hour), 2_000_000)
	slack := newFakeSlack(t)
	cfg := `chat:
  platforms: [slack]
slack:
  api_url: ` + slack.srv.GetAPIURL() + `
  min_interval: 10ms
detection:
  prometheus: ` + fake.URL + `
  max_samples: 2000000
  jobs:
  - name: fleet-cpu
    query: ` + promFleetMetric + `{service="checkout"}
    schedule: "@every 1s"
    step: 60s
    lookback: 48h
    service: checkout
    investigate: manual
    policy: {min_pct: 5}
routes:
- match: {service: checkout}
  channel: "#checkout-perf"
`
	s := startSlackServe(t, cfg)
	eventually(t, 90*time.Second, "an alert per planted step", func() bool {
		return len(topLevelAlerts(slack, "#checkout-perf")) >= len(planted)
	})
	eventually(t, 90*time.Second, "a second tick done", func() bool {
		return strings.Count(s.stderr.String(), `msg="detection tick"`) >= 2
	})
	s.stop(t)
	promAlertedOnce(t, slack, "#checkout-perf", planted)
	for _, c := range fake.calls() {
		if c.refused != 0 || c.samples > 2_000_000 {
			t.Errorf("request of %d samples refused with %d: %.100s", c.samples, c.refused, c.query)
		}
	}
	if strings.Contains(s.stderr.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", quiet(s.stderr.String()))
	}
}
