package test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql/parser"
)

// TestPromInvestigateNamesTheMetric: an engineer runs `wattson
// investigate --prometheus` for a service whose real scrape has several
// metrics. Without --metric it is told which metrics there are and which
// window was searched, and nothing is picked for them; with --metric,
// --end (a week ago) and --lookback it finds the step in that metric,
// inside that window; a metric with no series names the window it
// searched.
func TestPromInvestigateNamesTheMetric(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	end := now.Add(-7 * 24 * time.Hour)
	stepAt := end.Add(-10 * time.Hour)
	names := []string{"process_cpu_seconds_total", "svc_cpu_seconds_per_request", "svc_build_info"}
	var (
		mu      sync.Mutex
		queries []string
	)
	prom := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.FormValue("query")
		mu.Lock()
		queries = append(queries, q)
		mu.Unlock()
		start, _ := strconv.ParseFloat(r.FormValue("start"), 64)
		stop, _ := strconv.ParseFloat(r.FormValue("end"), 64)
		step, _ := strconv.ParseFloat(r.FormValue("step"), 64)
		expr, err := parser.NewParser(parser.Options{}).ParseExpr(q)
		if err != nil || step <= 0 || r.URL.Path != "/api/v1/query_range" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		var result []map[string]any
		series := func(name string, values [][2]any) {
			result = append(result, map[string]any{"metric": map[string]string{"__name__": name}, "values": values})
		}
		if _, ok := expr.(*parser.AggregateExpr); ok { // group by (__name__) (...)
			for _, n := range names {
				series(n, [][2]any{{start, "1"}})
			}
		} else if sel, ok := expr.(*parser.VectorSelector); ok && sel.Name == "svc_cpu_seconds_per_request" {
			var values [][2]any
			for ts := start; ts <= stop; ts += step {
				v := 0.010 + 0.0001*float64(int(ts/step)%7)
				if ts >= float64(stepAt.Unix()) {
					v += 0.003
				}
				values = append(values, [2]any{ts, strconv.FormatFloat(v, 'f', 6, 64)})
			}
			series(sel.Name, values)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": "matrix", "result": result}})
	}))
	t.Cleanup(prom.Close)
	base := []string{"investigate", "--service", "checkout", "--prometheus", prom.URL, "--format", "json",
		"--end", end.UTC().Format(time.RFC3339), "--lookback", "48h"}
	window := "from " + end.Add(-48*time.Hour).UTC().Format(time.RFC3339) + " to " + end.UTC().Format(time.RFC3339)

	r := wattson(t, nil, base...)
	if !strings.Contains(r.stdout+r.stderr, "2 metrics (process_cpu_seconds_total, svc_cpu_seconds_per_request)") ||
		!strings.Contains(r.stdout+r.stderr, window) {
		t.Errorf("without --metric: exit %d, want the metrics and %q listed:\n%.2000s\n%s", r.code, window, r.stdout, r.stderr)
	}
	mu.Lock()
	asked := append([]string(nil), queries...)
	mu.Unlock()
	for _, q := range asked {
		if strings.HasPrefix(q, "process_cpu") || strings.HasPrefix(q, "svc_cpu") {
			t.Errorf("without --metric, %q was queried: a metric was picked", q)
		}
	}

	r = wattson(t, nil, append(base, "--metric", "svc_cpu_seconds_per_request")...)
	var out struct {
		Regression *struct {
			Metric     string    `json:"metric"`
			ChangeTime time.Time `json:"change_time"`
		} `json:"regression"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Regression == nil {
		t.Fatalf("with --metric: exit %d, %v\n%.2000s\n%s", r.code, err, r.stdout, r.stderr)
	}
	if d := out.Regression.ChangeTime.Sub(stepAt); out.Regression.Metric != "svc_cpu_seconds_per_request" || d < -30*time.Minute || d > 30*time.Minute {
		t.Errorf("found %+v, want svc_cpu_seconds_per_request at %v", *out.Regression, stepAt)
	}

	r = wattson(t, nil, append(base, "--metric", "gone_total")...)
	if !strings.Contains(r.stdout+r.stderr, `gone_total{service="checkout"} `+window) || !strings.Contains(r.stdout+r.stderr, "no matching series") {
		t.Errorf("a metric with no series: exit %d, want the window named:\n%.2000s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := wattson(t, nil, append(base, "--end", "last tuesday")...); r.code != 2 || !strings.Contains(r.stderr, "--end") {
		t.Errorf("bad --end: exit %d, %s", r.code, r.stderr)
	}
}
