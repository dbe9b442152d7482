package metrics

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector"
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
