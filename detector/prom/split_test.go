package prom

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

// fakeProm is a Prometheus /api/v1/query_range at the wire, enforcing the
// server's resolution limit exactly as Prometheus does (web/api/v1:
// end.Sub(start)/step > 11000 is a 400 bad_data), serving generated series:
//
//   - {series="steady"} over the whole range, noise plus a step of +4 at stepAt;
//   - {series="late"} only at and after lateFrom (absent from earlier windows).
//
// The query "nothing" matches no series; "partial" adds a warning the way
// Thanos and Mimir flag a partial response.
type fakeProm struct {
	stepAt, lateFrom int64 // unix seconds

	mu       sync.Mutex
	requests []fakeRequest
}

type fakeRequest struct{ start, end, step float64 }

func (f *fakeProm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/v1/series" {
		sets := []map[string]string{{"series": "steady"}, {"series": "late"}}
		if r.FormValue("match[]") == "nothing" {
			sets = sets[:0]
		}
		json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": sets})
		return
	}
	if r.URL.Path != "/api/v1/query_range" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	badData := func(msg string) {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"status": "error", "errorType": "bad_data", "error": msg})
	}
	start, err1 := strconv.ParseFloat(r.FormValue("start"), 64)
	end, err2 := strconv.ParseFloat(r.FormValue("end"), 64)
	step, err3 := strconv.ParseFloat(r.FormValue("step"), 64)
	if err1 != nil || err2 != nil || err3 != nil || step <= 0 {
		badData("invalid parameter")
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, fakeRequest{start, end, step})
	f.mu.Unlock()
	d := func(sec float64) time.Duration { return time.Duration(math.Round(sec * 1e9)) }
	if d(end-start)/d(step) > 11000 {
		badData("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
		return
	}
	type stream struct {
		Metric map[string]string `json:"metric"`
		Values [][2]any          `json:"values"`
	}
	resp := struct {
		Status   string   `json:"status"`
		Warnings []string `json:"warnings,omitempty"`
		Data     struct {
			ResultType string   `json:"resultType"`
			Result     []stream `json:"result"`
		} `json:"data"`
	}{Status: "success"}
	resp.Data.ResultType = "matrix"
	resp.Data.Result = []stream{}
	q := r.FormValue("query")
	if q == "partial" {
		resp.Warnings = []string{"partial response: store gateway 2 unavailable"}
	}
	if q != "nothing" {
		steady := stream{Metric: map[string]string{"series": "steady"}, Values: [][2]any{}}
		late := stream{Metric: map[string]string{"series": "late"}, Values: [][2]any{}}
		for t := start; t <= end; t += step {
			sec := int64(t)
			v := fakeValue(sec)
			if sec >= f.stepAt {
				v += 4
			}
			steady.Values = append(steady.Values, [2]any{t, strconv.FormatFloat(v, 'f', -1, 64)})
			if sec >= f.lateFrom {
				late.Values = append(late.Values, [2]any{t, "1"})
			}
		}
		resp.Data.Result = append(resp.Data.Result, steady)
		if len(late.Values) > 0 {
			resp.Data.Result = append(resp.Data.Result, late)
		}
	}
	json.NewEncoder(w).Encode(resp)
}

// fakeValue is unit Gaussian noise around 100, a function of the timestamp
// only, so that every window serves the same value for the same time.
func fakeValue(sec int64) float64 {
	return 100 + rand.New(rand.NewPCG(uint64(sec), 1)).NormFloat64()
}

const t0 = 1_760_000_040 // a multiple of 60

// TestQueryTenDaysAtOneMinute is the query of issue 19: 10 days at 60 s is
// 14,400 steps, over Prometheus's 11,000-point limit in one request. Every
// point comes back once, in order, and the detector finds the planted step.
func TestQueryTenDaysAtOneMinute(t *testing.T) {
	start := time.Unix(t0, 0)
	end := start.Add(10 * 24 * time.Hour)
	fake := &fakeProm{stepAt: t0 + 12000*60, lateFrom: t0 + 11500*60}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	src, err := New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	series, err := src.Query(context.Background(), "up", start, end, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(fake.requests) != 2 {
		t.Errorf("%d requests, want 2 windows", len(fake.requests))
	}
	for _, rq := range fake.requests {
		if n := (rq.end-rq.start)/rq.step + 1; n > MaxPoints {
			t.Errorf("request [%v, %v] asks for %v points per series", rq.start, rq.end, n)
		}
	}
	if len(series) != 2 || series[0].Labels["series"] != "steady" || series[1].Labels["series"] != "late" {
		t.Fatalf("got series %v, want steady then late", labelsOf(series))
	}
	checkGrid(t, series[0], t0, end.Unix(), 14401)
	checkGrid(t, series[1], fake.lateFrom, end.Unix(), 14401-11500)

	changes := detector.Detect(series[0].Values, series[0].Times, detector.Options{})
	if len(changes) != 1 || changes[0].Time.Unix() != fake.stepAt || changes[0].Direction != detector.Up {
		t.Errorf("changes %+v, want one step up at %d", changes, fake.stepAt)
	}
}

// checkGrid checks that s holds n points from first to last, one per
// minute, none repeated and none missing at a window seam.
func checkGrid(t *testing.T, s detector.Series, first, last int64, n int) {
	t.Helper()
	if len(s.Times) != n || len(s.Values) != n {
		t.Fatalf("%v: %d times, %d values, want %d", s.Labels, len(s.Times), len(s.Values), n)
	}
	if s.Times[0] != first || s.Times[n-1] != last {
		t.Errorf("%v: from %d to %d, want %d to %d", s.Labels, s.Times[0], s.Times[n-1], first, last)
	}
	for i := 1; i < n; i++ {
		if d := s.Times[i] - s.Times[i-1]; d != 60 {
			t.Fatalf("%v: point %d at %d is %d s after the one before, want 60", s.Labels, i, s.Times[i], d)
		}
	}
}

func labelsOf(series []detector.Series) []string {
	var out []string
	for _, s := range series {
		out = append(out, s.Key())
	}
	return out
}

func TestWindows(t *testing.T) {
	const step = time.Minute
	start := time.Unix(t0, 0)
	at := func(k int) time.Time { return start.Add(time.Duration(k) * step) }
	tests := []struct {
		name string
		end  time.Time
		want [][2]time.Time
	}{
		{"one point", start, [][2]time.Time{{start, start}}},
		{"exactly max points", at(MaxPoints - 1), [][2]time.Time{{start, at(MaxPoints - 1)}}},
		{"one point over", at(MaxPoints), [][2]time.Time{{start, at(MaxPoints - 1)}, {at(MaxPoints), at(MaxPoints)}}},
		{"ten days", at(14400), [][2]time.Time{{start, at(MaxPoints - 1)}, {at(MaxPoints), at(14400)}}},
		{"end off the grid", at(2 * MaxPoints).Add(17 * time.Second), [][2]time.Time{
			{start, at(MaxPoints - 1)}, {at(MaxPoints), at(2*MaxPoints - 1)}, {at(2 * MaxPoints), at(2 * MaxPoints).Add(17 * time.Second)}}},
		{"end before start", start.Add(-time.Hour), [][2]time.Time{{start, start.Add(-time.Hour)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := windows(start, tt.end, step)
			if len(got) != len(tt.want) {
				t.Fatalf("%d windows %v, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				if !got[i].Start.Equal(w[0]) || !got[i].End.Equal(w[1]) || got[i].Step != step {
					t.Errorf("window %d = [%v, %v] step %v, want [%v, %v]", i, got[i].Start, got[i].End, got[i].Step, w[0], w[1])
				}
			}
		})
	}
}

// TestQueryWarnings: the server's warnings reach Result.Warnings once
// however many windows repeat them, and so does an empty result, which is
// still no error; Query passes both to Warn.
func TestQueryWarnings(t *testing.T) {
	srv := httptest.NewServer(&fakeProm{stepAt: math.MaxInt64, lateFrom: math.MaxInt64})
	t.Cleanup(srv.Close)
	src, err := New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	src.Warn = func(query, warning string) { warned = append(warned, query+": "+warning) }
	ctx := context.Background()
	start := time.Unix(t0, 0)
	end := start.Add(10 * 24 * time.Hour)

	r, err := src.QueryRange(ctx, "partial", start, end, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Series) != 1 || fmt.Sprint(r.Warnings) != "[partial response: store gateway 2 unavailable]" {
		t.Errorf("partial: %d series, warnings %q", len(r.Series), r.Warnings)
	}

	r, err = src.QueryRange(ctx, "nothing", start, end, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	wantEmpty := "no series matched from 2025-10-09T08:54:00Z to 2025-10-19T08:54:00Z at step 1m0s"
	if len(r.Series) != 0 || fmt.Sprint(r.Warnings) != "["+wantEmpty+"]" {
		t.Errorf("nothing: series %v, warnings %q, want [%s]", r.Series, r.Warnings, wantEmpty)
	}

	warned = nil
	s, err := src.Query(ctx, "nothing", start, end, time.Minute)
	if err != nil || len(s) != 0 {
		t.Fatalf("Query(nothing) = %v, %v; want no series and no error", s, err)
	}
	if fmt.Sprint(warned) != "[nothing: "+wantEmpty+"]" {
		t.Errorf("Warn got %q", warned)
	}

	// A shard's answer carries the warnings about it, for the
	// regressions found in it (the alert says the data may be partial).
	var got []string
	if err := src.QueryShards(ctx, "partial", start, end, time.Minute, func(r Result) error {
		got = append(got, r.Warnings...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[partial response: store gateway 2 unavailable]" {
		t.Errorf("QueryShards handed over warnings %q", got)
	}
	sh, err := src.Plan(ctx, "partial", start, end, time.Minute)
	if err != nil || len(sh) != 1 {
		t.Fatalf("Plan(partial) = %v, %v", sh, err)
	}
	r, err = src.QueryShard(ctx, sh[0], start, end, time.Minute)
	if err != nil || len(r.Series) != 1 || fmt.Sprint(r.Warnings) != "[partial response: store gateway 2 unavailable]" {
		t.Errorf("QueryShard(partial) = %d series, warnings %q, err %v", len(r.Series), r.Warnings, err)
	}
}
