package test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPromBrokenJobIsVisible: an operator runs `wattson serve` with three
// detection jobs: one that works, one whose query matches nothing, one
// that Prometheus refuses every tick. The refused job makes /readyz
// answer 503 naming it and Prometheus's error; /metrics counts each
// job's ticks by result, the series and points scanned and the query
// latency; the empty job is logged as a warning every tick, not as
// success.
func TestPromBrokenJobIsVisible(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	fake := newPromFleet(t, 20, nil, now.Add(-time.Hour), 1_000_000)
	job := func(name, query string) string {
		return `
  - name: ` + name + `
    query: '` + query + `'
    schedule: "@every 1s"
    step: 60s
    lookback: 2h
    service: checkout
    investigate: manual`
	}
	cfg := `detection:
  prometheus: ` + fake.URL + `
  jobs:` + job("works", promFleetMetric+`{service="checkout"}`) + job("matches-nothing", promFleetMetric+`{service="gone"}`) +
		job("refused", `sum(`+promFleetMetric+`)`) + "\n"
	path := filepath.Join(t.TempDir(), "wattson.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, []string{"WATTSON_DATA_DIR=" + t.TempDir()}, "--config", path)
	var code int
	var body string
	eventually(t, 30*time.Second, "/readyz to fail", func() bool {
		code, body = s.get(t, "/readyz")
		return code == 503
	})
	if !strings.Contains(body, "detection job refused failed its last") || !strings.Contains(body, "plain selectors only") {
		t.Errorf("/readyz: %d %q, want the refused job and Prometheus's error", code, body)
	}
	if strings.Contains(body, "works") || strings.Contains(body, "matches-nothing") {
		t.Errorf("/readyz names a job that does not fail: %q", body)
	}
	_, metrics := s.get(t, "/metrics")
	s.stop(t)
	value := func(series string) float64 {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(metrics)
		if m == nil {
			t.Errorf("/metrics lacks %s", series)
			return 0
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	if v := value(`wattson_detection_ticks_total{job="refused",result="failed"}`); v < 3 {
		t.Errorf("refused job: %v failed ticks counted, want at least 3", v)
	}
	empty := value(`wattson_detection_ticks_total{job="matches-nothing",result="empty"}`)
	ok := value(`wattson_detection_ticks_total{job="works",result="ok"}`)
	if empty < 1 || ok < 1 {
		t.Errorf("ticks: %v empty, %v ok; want each at least 1", empty, ok)
	}
	if v := value(`wattson_detection_series_scanned_total{job="works"}`); v != 20*ok {
		t.Errorf("%v series scanned in %v ticks of 20 series", v, ok)
	}
	if v := value(`wattson_detection_points_scanned_total{job="works"}`); v != 20*121*ok {
		t.Errorf("%v points scanned in %v ticks of 20 series x 121 points", v, ok)
	}
	if v := value(`wattson_prometheus_query_seconds_count{outcome="error"}`); v < 3 {
		t.Errorf("%v refused requests timed, want at least 3", v)
	}
	if v := value(`wattson_prometheus_response_bytes_total`); v <= 0 {
		t.Errorf("%v response bytes counted", v)
	}
	log := s.stderr.String()
	if n := strings.Count(log, `level=WARN msg="detection tick matched no series" component=scheduler job=matches-nothing`); n < 1 {
		t.Errorf("no warning for the job that matched nothing:\n%s", quiet(log))
	}
	if strings.Contains(log, `msg="detection tick" component=scheduler job=matches-nothing`) {
		t.Errorf("an empty tick logged as a plain tick:\n%s", quiet(log))
	}
}
