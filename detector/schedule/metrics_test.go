package schedule

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/detector"
)

// flakySource answers with its mode: an error, no series, or the step.
type flakySource struct {
	mode string
	ok   levelSource
}

func (f *flakySource) Query(ctx context.Context, q string, start, end time.Time, step time.Duration) ([]detector.Series, error) {
	switch f.mode {
	case "fail":
		return nil, errors.New("prometheus: 503 service unavailable")
	case "empty":
		return nil, nil
	}
	return f.ok.Query(ctx, q, start, end, step)
}

// TestTicksCountedAndReadiness: every tick is counted by its result; a
// tick that matched nothing warns; three failed ticks in a row make
// Ready name the job and its error, and one good tick clears it.
func TestTicksCountedAndReadiness(t *testing.T) {
	st := openStore(t)
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	src := &flakySource{ok: levelSource{level: stepUp}}
	s := New([]Job{testJob}, src, st, &recorder{st: st}, Options{Owner: "a", Metrics: m,
		Logger: slog.New(slog.NewTextHandler(&log, nil))})
	tick := t0.Add(72 * time.Hour)
	for i, tt := range []struct {
		mode      string
		wantReady bool
	}{
		{"ok", true}, {"empty", true}, {"fail", true}, {"fail", true}, {"fail", false}, {"empty", false}, {"fail", false}, {"ok", true},
	} {
		src.mode = tt.mode
		_, err := s.Tick(context.Background(), testJob, tick.Add(time.Duration(i)*15*time.Minute))
		if (err != nil) != (tt.mode == "fail") {
			t.Fatalf("tick %d (%s): err %v", i, tt.mode, err)
		}
		ready := s.Ready()
		if (ready == nil) != tt.wantReady {
			t.Fatalf("tick %d (%s): Ready() = %v, want ready %v", i, tt.mode, ready, tt.wantReady)
		}
		if ready != nil && (!strings.Contains(ready.Error(), "detection job checkout-cpu failed its last") || !strings.Contains(ready.Error(), "503")) {
			t.Errorf("Ready() = %v, want the job and its error", ready)
		}
	}
	for result, want := range map[string]float64{"ok": 2, "empty": 2, "failed": 4} {
		if got := counter(t, reg, "wattson_detection_ticks_total", "result", result); got != want {
			t.Errorf("ticks %s = %v, want %v", result, got, want)
		}
	}
	pointsPerTick := float64(testJob.Lookback/testJob.Step + 1)
	if got := counter(t, reg, "wattson_detection_series_scanned_total"); got != 2 {
		t.Errorf("series scanned = %v, want 2", got)
	}
	if got := counter(t, reg, "wattson_detection_points_scanned_total"); got != 2*pointsPerTick {
		t.Errorf("points scanned = %v, want %v", got, 2*pointsPerTick)
	}
	if n := strings.Count(log.String(), `level=WARN msg="detection tick matched no series"`); n != 2 {
		t.Errorf("%d warnings of an empty tick, want 2:\n%s", n, log.String())
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Error("registering twice succeeded")
	}
}

// counter reads the counter name of the job checkout-cpu with the label
// pairs kv from reg, 0 when it has not been counted.
func counter(t *testing.T, reg *prometheus.Registry, name string, kv ...string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"job": "checkout-cpu"}
	for i := 0; i+1 < len(kv); i += 2 {
		want[kv[i]] = kv[i+1]
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if got[k] != v {
					continue metrics
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}
