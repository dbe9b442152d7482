package prom

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/wattson-dev/wattson/detector"
)

// fleetProm is Prometheus's /api/v1/series and /api/v1/query_range at the
// wire for a plain selector, enforcing both of the server's limits as it
// does: more than 11,000 points per series is a 400 bad_data, and more
// samples than maxSamples (--query.max-samples) in the result is a 422
// execution error with Prometheus's own text. Its series are sets; their
// values are value(series index, unix time).
type fleetProm struct {
	sets       []labels.Labels
	value      func(i int, t int64) float64
	maxSamples int

	mu       sync.Mutex
	requests []fleetRequest // query_range calls answered
}

type fleetRequest struct {
	query   string
	samples int
}

func (f *fleetProm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fail := func(code int, typ, msg string) {
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(map[string]string{"status": "error", "errorType": typ, "error": msg})
	}
	query := r.FormValue("query")
	if r.URL.Path == "/api/v1/series" {
		query = r.FormValue("match[]")
	}
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(query)
	sel, ok := expr.(*parser.VectorSelector)
	if err != nil || !ok {
		fail(http.StatusBadRequest, "bad_data", fmt.Sprintf("fake serves plain selectors only: %q", query))
		return
	}
	var match []int
	for i, ls := range f.sets {
		if matchesAll(sel.LabelMatchers, ls) {
			match = append(match, i)
		}
	}
	if r.URL.Path == "/api/v1/series" {
		data := make([]map[string]string, len(match))
		for k, i := range match {
			data[k] = f.sets[i].Map()
		}
		json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": data})
		return
	}
	start, _ := strconv.ParseFloat(r.FormValue("start"), 64)
	end, _ := strconv.ParseFloat(r.FormValue("end"), 64)
	step, _ := strconv.ParseFloat(r.FormValue("step"), 64)
	if step <= 0 || end < start {
		fail(http.StatusBadRequest, "bad_data", "invalid parameter")
		return
	}
	if (end-start)/step > 11000 {
		fail(http.StatusBadRequest, "bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
		return
	}
	points := int((end-start)/step) + 1
	f.mu.Lock()
	f.requests = append(f.requests, fleetRequest{query, points * len(match)})
	f.mu.Unlock()
	if points*len(match) > f.maxSamples {
		fail(http.StatusUnprocessableEntity, "execution", "query processing would load too many samples into memory in query execution")
		return
	}
	b := []byte(`{"status":"success","data":{"resultType":"matrix","result":[`)
	for k, i := range match {
		if k > 0 {
			b = append(b, ',')
		}
		m, _ := json.Marshal(f.sets[i].Map())
		b = append(append(append(b, `{"metric":`...), m...), `,"values":[`...)
		for p := range points {
			t := int64(math.Round(start + float64(p)*step))
			if p > 0 {
				b = append(b, ',')
			}
			b = append(strconv.AppendInt(append(b, '['), t, 10), `,"`...)
			b = append(strconv.AppendFloat(b, f.value(i, t), 'f', 4, 64), `"]`...)
		}
		b = append(b, "]}"...)
	}
	w.Write(append(b, "]}}"...))
}

func matchesAll(ms []*labels.Matcher, ls labels.Labels) bool {
	for _, m := range ms {
		if !m.Matches(ls.Get(m.Name)) {
			return false
		}
	}
	return true
}

// fleet is n series of cpu for service checkout, one per instance; every
// tenth steps from 10 to 13 at stepAt, the rest are flat with a little
// deterministic wobble.
func fleet(n int, stepAt int64) ([]labels.Labels, func(int, int64) float64) {
	sets := make([]labels.Labels, n)
	for i := range sets {
		sets[i] = labels.FromStrings("__name__", "cpu", "service", "checkout", "instance", fmt.Sprintf("i-%04d", i))
	}
	return sets, func(i int, t int64) float64 {
		v := 10 + 0.1*math.Sin(float64(t/60+int64(i)))
		if i%10 == 0 && t >= stepAt {
			v += 3
		}
		return v
	}
}

// TestQueryShardsWithinSamplesBudget is issue 19's fleet query at a tenth
// of its size: 300 series × 2 days at 60 s is 864,300 samples, over the
// fake's budget of 200,000 in one request. Sent in shards, no request
// exceeds it, every series comes back whole, and the planted steps are
// found.
func TestQueryShardsWithinSamplesBudget(t *testing.T) {
	start := time.Unix(t0, 0)
	end := start.Add(48 * time.Hour)
	sets, value := fleet(300, t0+36*3600)
	fake := &fleetProm{sets: sets, value: value, maxSamples: 200_000}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	src, err := New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}

	src.MaxSamples = 10_000_000 // more than the server allows: the error is Prometheus's
	if _, err := src.QueryRange(context.Background(), "cpu", start, end, time.Minute); err == nil {
		t.Fatal("a request over the server's max samples succeeded; the fake does not enforce it")
	}

	src.MaxSamples = 200_000
	fake.requests = nil
	res, err := src.QueryRange(context.Background(), `cpu{service="checkout"}`, start, end, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range fake.requests {
		if r.samples > src.MaxSamples {
			t.Errorf("request of %d samples: %.80s", r.samples, r.query)
		}
	}
	if res.Shards < 5 || res.Requests != len(fake.requests) {
		t.Errorf("%d shards in %d requests (fake saw %d); want at least 5 shards", res.Shards, res.Requests, len(fake.requests))
	}
	if len(res.Series) != 300 {
		t.Fatalf("%d series, want 300", len(res.Series))
	}
	d := detector.New(detector.Options{})
	stepped := 0
	for _, s := range res.Series {
		if len(s.Times) != 2881 {
			t.Errorf("%v: %d points, want 2881", s.Labels, len(s.Times))
		}
		var i int
		fmt.Sscanf(s.Labels["instance"], "i-%d", &i)
		found := false
		for _, c := range d.Detect(s.Values, s.Times) {
			found = found || c.Time.Unix() == t0+36*3600
		}
		if found != (i%10 == 0) {
			t.Errorf("%s: step found %v, planted %v", s.Labels["instance"], found, i%10 == 0)
		}
		if found {
			stepped++
		}
	}
	if stepped != 30 {
		t.Errorf("%d steps found, want 30", stepped)
	}
}

// TestPlan checks how a query is cut: by the label that splits its series
// finest, into groups the budget allows, a too-large value alone in
// shorter windows, and whole when it is not a plain series query.
func TestPlan(t *testing.T) {
	start := time.Unix(t0, 0)
	end := start.Add(99 * time.Minute) // 100 points at 60 s
	var sets []labels.Labels
	for i := range 30 {
		sets = append(sets, labels.FromStrings("__name__", "cpu", "pod", fmt.Sprintf("p%02d", i), "zone", "a"))
	}
	for i := range 10 { // one node with 10 series, no pod label
		sets = append(sets, labels.FromStrings("__name__", "cpu", "node", "n1", "disk", fmt.Sprint(i), "zone", "b"))
	}
	tests := []struct {
		name, query      string
		budget           int
		shards, requests int
	}{
		{"fits", "cpu", 4000, 1, 1},
		{"ten pods a shard", "cpu", 1000, 4, 4},                           // pods p00-p09, p10-p19, p20-p29; "" (10 series) alone
		{"series without the label in shorter windows", "cpu", 500, 7, 8}, // 5 pods a shard; "" has 10 series: 50 points a window
		{"aggregation sent whole", "sum(cpu)", 500, 1, 1},
		{"two selectors sent whole", "cpu / cpu", 500, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(&fleetProm{sets: sets, maxSamples: math.MaxInt})
			t.Cleanup(srv.Close)
			src, _ := New(srv.URL, srv.Client())
			src.MaxSamples = tt.budget
			p, err := src.plan(context.Background(), tt.query, start, end, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			requests := 0
			for _, sh := range p.shards {
				requests += len(sh.requests(start, end, time.Minute))
			}
			if len(p.shards) != tt.shards || requests != tt.requests {
				t.Errorf("%d shards, %d requests; want %d, %d", len(p.shards), requests, tt.shards, tt.requests)
				for _, sh := range p.shards {
					for _, r := range sh.requests(start, end, time.Minute) {
						t.Logf("%s %v..%v", r.query, r.r.Start.Unix()-t0, r.r.End.Unix()-t0)
					}
				}
			}
		})
	}
}

// TestQueryShardsHandsOverEachShard: QueryShards calls back once per
// shard, with that shard's series complete, never more than the budget
// allows at once; an error from the callback stops the query.
func TestQueryShardsHandsOverEachShard(t *testing.T) {
	start := time.Unix(t0, 0)
	end := start.Add(199 * time.Minute) // 200 points at 60 s, in windows of 50
	sets, value := fleet(40, t0)
	fake := &fleetProm{sets: sets, value: value, maxSamples: 1000}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	src, _ := New(srv.URL, srv.Client())
	src.MaxSamples = 1000
	var sizes []int
	err := src.QueryShards(context.Background(), "cpu", start, end, time.Minute, func(r Result) error {
		sizes = append(sizes, len(r.Series))
		for _, s := range r.Series {
			if len(s.Times) != 200 {
				t.Errorf("%v: %d points, want 200", s.Labels, len(s.Times))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sizes) != "[5 5 5 5 5 5 5 5]" {
		t.Errorf("shard sizes %v, want 8 shards of 5 series", sizes)
	}
	stop := fmt.Errorf("stop")
	calls := 0
	err = src.QueryShards(context.Background(), "cpu", start, end, time.Minute, func(Result) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("after the callback failed: err %v, %d calls; want stop after 1", err, calls)
	}
}
