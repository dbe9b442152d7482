package test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPromDetectFleetWithinBudget: an engineer runs `wattson detect`
// over a fleet of 3,000 series for 2 days at 60 s (8.6M samples) against
// a Prometheus whose --query.max-samples is 2M. Sent as one request it
// is refused (422); with --max-samples 2000000 every request stays within
// the limit and every planted step is reported, and nothing else.
// (--max-points, detect's bound on what it holds, is raised to take the
// whole fleet at once.)
func TestPromDetectFleetWithinBudget(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	planted := []int{7, 1234, 2999}
	fake := newPromFleet(t, 3000, planted, now.Add(-12*time.Hour), 2_000_000)
	args := []string{"detect", "--prometheus", fake.URL, "--query", promFleetMetric + `{service="checkout"}`,
		"--start", strconv.FormatInt(now.Add(-48*time.Hour).Unix(), 10), "--end", strconv.FormatInt(now.Unix(), 10),
		"--step", "60s", "--format", "json", "--max-points", "9000000"}

	r := wattson(t, nil, append(args, "--max-samples", "100000000")...)
	if r.code != 1 || !strings.Contains(r.stderr, "too many samples") {
		t.Fatalf("one request over the server's limit: exit %d, stderr %.300s; want 1 with Prometheus's error", r.code, r.stderr)
	}

	before := len(fake.calls())
	r = wattson(t, nil, append(args, "--max-samples", "2000000")...)
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %.500s", r.code, r.stderr)
	}
	calls := fake.calls()[before:]
	for _, c := range calls {
		if c.refused != 0 || c.samples > 2_000_000 {
			t.Errorf("request of %d samples refused with %d: %.100s", c.samples, c.refused, c.query)
		}
	}
	if len(calls) < 5 {
		t.Errorf("%d query_range requests; 8.6M samples within 2M need at least 5", len(calls))
	}
	var out struct {
		Changes []struct {
			Labels     map[string]string `json:"labels"`
			Time       time.Time         `json:"time"`
			Regression bool              `json:"regression"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("decode output: %v\n%.500s", err, r.stdout)
	}
	got := map[string]bool{}
	for _, c := range out.Changes {
		if c.Regression {
			got[c.Labels["instance"]] = true
		}
	}
	for _, i := range planted {
		if !got[promFleetInstance(i)] {
			t.Errorf("planted step in %s not reported", promFleetInstance(i))
		}
	}
	if len(got) != len(planted) {
		t.Errorf("reported %d series, want the %d planted: %v", len(got), len(planted), fmt.Sprint(got))
	}
}
