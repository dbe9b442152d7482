package test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// promFleet is a Prometheus that holds a fleet of generated series and
// enforces the server's query limits at the wire as Prometheus 2.42
// does: a query_range of more than 11,000 points per series is a 400
// bad_data, and one whose result holds more than maxSamples samples
// (--query.max-samples) a 422 execution error with Prometheus's text. It
// answers /api/v1/series and /api/v1/query_range for a plain series
// selector.
//
// Its series are promFleetMetric{service="checkout", instance="i-NNNN"};
// each is 1.0 plus a little deterministic noise, and the planted ones
// step up to 1.3 at stepAt.
type promFleet struct {
	*httptest.Server
	n          int
	planted    map[int]bool
	stepAt     int64
	maxSamples int
	// warnings, when set, end every query_range answer, as a Thanos or
	// Mimir partial response's do.
	warnings []string
	// failFirst, when set, has the first query_range whose query holds it
	// refused with 503, as a restarting server would.
	failFirst string
	failed    bool

	mu       sync.Mutex
	requests []promFleetRequest // query_range calls, answered or refused
}

// promFleetRequest is one query_range call the fake received.
type promFleetRequest struct {
	query   string
	samples int // series × points it asked for
	refused int // the HTTP status it was refused with, 0 if answered
}

const promFleetMetric = "svc_cpu_seconds_per_request"

// newPromFleet starts a promFleet of n series; planted lists the indexes
// of the series that step.
func newPromFleet(t *testing.T, n int, planted []int, stepAt time.Time, maxSamples int) *promFleet {
	t.Helper()
	f := &promFleet{n: n, planted: map[int]bool{}, stepAt: stepAt.Unix(), maxSamples: maxSamples}
	for _, i := range planted {
		f.planted[i] = true
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func promFleetInstance(i int) string { return fmt.Sprintf("i-%04d", i) }

func (f *promFleet) labels(i int) labels.Labels {
	return labels.FromStrings("__name__", promFleetMetric, "service", "checkout", "instance", promFleetInstance(i))
}

// value is series i's value at unix time ts.
func (f *promFleet) value(i int, ts int64) float64 {
	h := uint64(ts)*0x9E3779B97F4A7C15 ^ uint64(i+1)*0xBF58476D1CE4E5B9
	h ^= h >> 31
	h *= 0x94D049BB133111EB
	h ^= h >> 29
	v := 1 + 0.01*(float64(h%2001)/1000-1)
	if f.planted[i] && ts >= f.stepAt {
		v += 0.3
	}
	return v
}

func (f *promFleet) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fail := func(code int, typ, msg string) {
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "error", "errorType": typ, "error": msg})
	}
	query := r.FormValue("query")
	if r.URL.Path == "/api/v1/series" {
		query = r.FormValue("match[]")
	}
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(query)
	sel, ok := expr.(*parser.VectorSelector)
	if err != nil || !ok {
		fail(http.StatusBadRequest, "bad_data", fmt.Sprintf("the fake serves plain selectors only, not %q", query))
		return
	}
	var match []int
	for i := range f.n {
		ls, all := f.labels(i), true
		for _, m := range sel.LabelMatchers {
			all = all && m.Matches(ls.Get(m.Name))
		}
		if all {
			match = append(match, i)
		}
	}
	switch r.URL.Path {
	case "/api/v1/series":
		data := make([]map[string]string, len(match))
		for k, i := range match {
			data[k] = f.labels(i).Map()
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": data})
		return
	case "/api/v1/query_range":
	default:
		http.NotFound(w, r)
		return
	}
	start, err1 := strconv.ParseFloat(r.FormValue("start"), 64)
	end, err2 := strconv.ParseFloat(r.FormValue("end"), 64)
	step, err3 := strconv.ParseFloat(r.FormValue("step"), 64)
	if err1 != nil || err2 != nil || err3 != nil || step <= 0 || end < start {
		fail(http.StatusBadRequest, "bad_data", "invalid parameter")
		return
	}
	points := int((end-start)/step) + 1
	req := promFleetRequest{query: query, samples: points * len(match)}
	f.mu.Lock()
	refuse := f.failFirst != "" && !f.failed && strings.Contains(query, f.failFirst)
	f.failed = f.failed || refuse
	f.mu.Unlock()
	switch {
	case refuse:
		req.refused = http.StatusServiceUnavailable
		fail(req.refused, "unavailable", "the server is restarting")
	case (end-start)/step > 11000:
		req.refused = http.StatusBadRequest
		fail(req.refused, "bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
	case req.samples > f.maxSamples:
		req.refused = http.StatusUnprocessableEntity
		fail(req.refused, "execution", "query processing would load too many samples into memory in query execution")
	}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	if req.refused != 0 {
		return
	}
	b := make([]byte, 0, 64*1024)
	b = append(b, `{"status":"success","data":{"resultType":"matrix","result":[`...)
	for k, i := range match {
		if k > 0 {
			b = append(b, ',')
		}
		m, _ := json.Marshal(f.labels(i).Map())
		b = append(append(append(b, `{"metric":`...), m...), `,"values":[`...)
		for p := range points {
			ts := int64(math.Round(start + float64(p)*step))
			if p > 0 {
				b = append(b, ',')
			}
			b = append(strconv.AppendInt(append(b, '['), ts, 10), `,"`...)
			b = append(strconv.AppendFloat(b, f.value(i, ts), 'f', 5, 64), `"]`...)
		}
		b = append(b, "]}"...)
		if len(b) > 1<<20 {
			_, _ = w.Write(b)
			b = b[:0]
		}
	}
	b = append(b, "]}"...)
	if len(f.warnings) > 0 {
		ws, _ := json.Marshal(f.warnings)
		b = append(append(b, `,"warnings":`...), ws...)
	}
	_, _ = w.Write(append(b, '}'))
}

// calls returns the query_range calls so far.
func (f *promFleet) calls() []promFleetRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]promFleetRequest(nil), f.requests...)
}

// promAlertedOnce checks that channel got one top-level alert per planted
// series, each naming its series once.
func promAlertedOnce(t *testing.T, slack *fakeSlack, channel string, planted []int) {
	t.Helper()
	alerts := topLevelAlerts(slack, channel)
	if len(alerts) != len(planted) {
		t.Errorf("%d alerts in %s, want one per planted step (%d)", len(alerts), channel, len(planted))
	}
	for _, i := range planted {
		n := 0
		for _, a := range alerts {
			if strings.Contains(callText(a), promFleetInstance(i)) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: alerted %d times, want once", promFleetInstance(i), n)
		}
	}
}

// promFleetJobConfig is the config of a replica watching a promFleet at
// promURL: one detection job "fleet" over its series, ticking every
// second at a 300 s step over 48 h, cut into shards by maxSamples,
// alerting in #checkout-perf through the Slack fake at slackURL; extra
// is appended (more top-level keys).
func promFleetJobConfig(slackURL, promURL string, maxSamples int, extra string) string {
	return `chat:
  platforms: [slack]
slack:
  api_url: ` + slackURL + `
detection:
  prometheus: ` + promURL + `
  max_samples: ` + strconv.Itoa(maxSamples) + `
  jobs:
  - name: fleet
    query: ` + promFleetMetric + `{service="checkout"}
    schedule: "@every 1s"
    step: 300s
    lookback: 48h
    service: checkout
    investigate: manual
routes:
- match: {service: checkout}
  channel: "#checkout-perf"
` + extra
}

// writeConfig writes cfg to a wattson.yaml of its own and returns its path.
func writeConfig(t *testing.T, cfg string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wattson.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
