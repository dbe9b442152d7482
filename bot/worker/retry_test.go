package worker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// TestFailedJobRetriedSoon: a job whose first run fails is handed over
// again once RetryDelay has passed, not only after ReclaimIdle, and is
// done on its second attempt.
func TestFailedJobRetriedSoon(t *testing.T) {
	clk, st := openStore(t)
	var attempts []int
	w, err := New(st, Options{Now: clk.now, Handlers: map[string]Handler{"detect.shard": func(_ context.Context, j store.Job) error {
		attempts = append(attempts, j.Attempts)
		if j.Attempts == 1 {
			return errors.New("prometheus timed out")
		}
		return nil
	}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := st.Enqueue(ctx, "detect.shard", nil); err != nil {
		t.Fatal(err)
	}
	j, err := st.Dequeue(ctx, "a", 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Work(ctx, *j)
	reclaim := func() []store.Job {
		t.Helper()
		jobs, err := st.Reclaim(ctx, "b", reclaimIdle)
		if err != nil {
			t.Fatal(err)
		}
		return jobs
	}
	clk.add(RetryDelay(1) - time.Second)
	if jobs := reclaim(); len(jobs) != 0 {
		t.Fatalf("handed over %d jobs before the retry delay", len(jobs))
	}
	clk.add(time.Second)
	jobs := reclaim()
	if len(jobs) != 1 {
		t.Fatalf("%d jobs handed over after the retry delay, want the failed one", len(jobs))
	}
	w.Work(ctx, jobs[0])
	if len(attempts) != 2 || attempts[1] != 2 {
		t.Errorf("attempts %v, want [1 2]", attempts)
	}
	if err := st.Ack(ctx, j.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after the second attempt the job is still pending (ack: %v)", err)
	}
}

func TestRetryDelay(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: 5 * time.Second, 2: 20 * time.Second, 3: 80 * time.Second} {
		if got := RetryDelay(attempt); got != want {
			t.Errorf("RetryDelay(%d) = %v, want %v", attempt, got, want)
		}
	}
}

// TestInterruptedJobHandedBack: a job cut short because its replica shuts
// down is neither lost (acknowledged as failed) nor left for ReclaimIdle:
// another replica's next reclaim takes it.
func TestInterruptedJobHandedBack(t *testing.T) {
	_, st := openStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	w, err := New(st, Options{Handlers: map[string]Handler{"bot.investigate": func(ctx context.Context, _ store.Job) error {
		cancel() // the replica is told to stop mid-run
		return ctx.Err()
	}}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.Enqueue(t.Context(), "bot.investigate", nil)
	if err != nil {
		t.Fatal(err)
	}
	j, err := st.Dequeue(t.Context(), "a", 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Work(ctx, *j)
	jobs, err := st.Reclaim(t.Context(), "b", reclaimIdle)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].ID != id {
		t.Errorf("reclaimed %+v after the interruption, want %s at once", jobs, id)
	}
}
