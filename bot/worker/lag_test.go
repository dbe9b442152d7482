package worker

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/store"
)

// TestQueueLagObserved: a job that waited in the queue has its wait, from
// queueing to the start of its run, in wattson_queue_lag_seconds.
func TestQueueLagObserved(t *testing.T) {
	clk, st := openStore(t)
	reg := prometheus.NewRegistry()
	w, err := New(st, Options{Handlers: map[string]Handler{"detect.shard": func(context.Context, store.Job) error { return nil }},
		Now: clk.now, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Enqueue(t.Context(), "detect.shard", nil); err != nil {
		t.Fatal(err)
	}
	clk.add(90 * time.Second)
	j, err := st.Dequeue(t.Context(), "a", 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Work(t.Context(), *j)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "wattson_queue_lag_seconds" {
			continue
		}
		h := f.GetMetric()[0].GetHistogram()
		if h.GetSampleCount() != 1 || h.GetSampleSum() != 90 {
			t.Errorf("lag histogram: %d samples summing to %v s, want 1 of 90 s", h.GetSampleCount(), h.GetSampleSum())
		}
		return
	}
	t.Error("no wattson_queue_lag_seconds")
}
