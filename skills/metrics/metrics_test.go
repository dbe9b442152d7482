package metrics

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/skills"
)

func TestStepFor(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	tests := []struct {
		name string
		span time.Duration
		step time.Duration
		want time.Duration
	}{
		{"fits", 72 * time.Hour, time.Minute, time.Minute},
		{"just fits", (MaxPoints - 1) * time.Minute, time.Minute, time.Minute},
		{"one point too many", MaxPoints * time.Minute, time.Minute, 61 * time.Second},
		{"ten days at a minute", 240 * time.Hour, time.Minute, 79 * time.Second},
		{"three weeks", 21 * 24 * time.Hour, time.Minute, 165 * time.Second},
		{"empty range", 0, time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StepFor(t0, t0.Add(tt.span), tt.step)
			if got != tt.want {
				t.Errorf("StepFor(%v, %v) = %v, want %v", tt.span, tt.step, got, tt.want)
			}
			if points := tt.span/got + 1; points > MaxPoints {
				t.Errorf("%d points at %v, more than %d", points, got, MaxPoints)
			}
		})
	}
}

// recordingQuerier records the step of each query.
type recordingQuerier struct{ steps []time.Duration }

func (q *recordingQuerier) Query(_ context.Context, _ string, _, _ time.Time, step time.Duration) ([]detector.Series, error) {
	q.steps = append(q.steps, step)
	return []detector.Series{{Labels: map[string]string{"__name__": "m"}}}, nil
}

func TestPrometheusBoundsPoints(t *testing.T) {
	q := &recordingQuerier{}
	p := NewPrometheus(q, time.Minute)
	end := time.Unix(1_700_000_000, 0)
	for _, span := range []time.Duration{time.Hour, 30 * 24 * time.Hour} {
		if _, err := p.Series(context.Background(), "m", "svc", end.Add(-span), end); err != nil {
			t.Fatal(err)
		}
	}
	if q.steps[0] != time.Minute {
		t.Errorf("one hour queried at %v, want 1m", q.steps[0])
	}
	if pts := 30 * 24 * time.Hour / q.steps[1]; pts >= MaxPoints {
		t.Errorf("30 days queried at %v: %d points", q.steps[1], pts+1)
	}
}

func TestFilesCheckNamesNonFinitePoints(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cpu.json")
	body := `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"service":"api"},"values":[[1,"1"],[2,"NaN"],[3,"+Inf"],[4,"2"]]}]}}`
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	notes, err := NewFiles(p).Check()
	want := "metrics " + p + `: series {service="api"}: 2 of 4 points are NaN or Inf and are skipped (first at index 1)`
	if err != nil || len(notes) != 1 || notes[0] != want {
		t.Errorf("Check() = %q, %v; want [%q]", notes, err, want)
	}
	if _, err := NewFiles(filepath.Join(dir, "missing.json")).Check(); err == nil {
		t.Error("a missing file checked without an error")
	}
}

// serviceQuerier is a Prometheus holding a service's metrics by name: a
// group by (__name__) query gets one series per name, a selector its
// metric's series.
type serviceQuerier struct {
	names   []string
	queries []string
}

func (q *serviceQuerier) Query(_ context.Context, query string, _, _ time.Time, _ time.Duration) ([]detector.Series, error) {
	q.queries = append(q.queries, query)
	var out []detector.Series
	for _, n := range q.names {
		if strings.HasPrefix(query, "group by") || strings.HasPrefix(query, n+"{") {
			out = append(out, detector.Series{Labels: map[string]string{"__name__": n}, Times: []int64{1}, Values: []float64{1}})
		}
	}
	return out, nil
}

// TestPrometheusWithoutMetric: with no metric named, a service's only
// metric (build_info aside) is the one; several are an error listing
// them; none, or no series of the named metric, says which window was
// asked.
func TestPrometheusWithoutMetric(t *testing.T) {
	end := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	const window = "from 2026-12-07T11:00:00Z to 2026-12-07T12:00:00Z"
	for _, tt := range []struct {
		name, metric string
		names        []string
		wantQuery    string
		wantErr      []string
		is           error
	}{
		{name: "one", names: []string{"cpu", "svc_build_info"}, wantQuery: `cpu{service="checkout"}`},
		{name: "several", names: []string{"process_cpu_seconds_total", "cpu", "svc_build_info"},
			wantErr: []string{"2 metrics (cpu, process_cpu_seconds_total)", window}, is: ErrSeveralMetrics},
		{name: "none", names: []string{"svc_build_info"}, wantErr: []string{window}, is: skills.ErrNoSeries},
		{name: "named, no series", metric: "gone", names: []string{"cpu"}, wantErr: []string{`gone{service="checkout"} ` + window}, is: skills.ErrNoSeries},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := &serviceQuerier{names: tt.names}
			ss, err := NewPrometheus(q, time.Minute).Series(context.Background(), tt.metric, "checkout", end.Add(-time.Hour), end)
			if tt.is != nil {
				for _, w := range tt.wantErr {
					if err == nil || !strings.Contains(err.Error(), w) {
						t.Errorf("err = %v, want it to say %q", err, w)
					}
				}
				if !errors.Is(err, tt.is) {
					t.Errorf("err = %v, want %v", err, tt.is)
				}
				return
			}
			if err != nil || len(ss) != 1 || q.queries[len(q.queries)-1] != tt.wantQuery {
				t.Errorf("series %v, err %v, queries %q", ss, err, q.queries)
			}
		})
	}
}
