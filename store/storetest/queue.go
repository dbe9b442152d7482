package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
)

func testQueueBasics(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.Dequeue(ctx, "w1", 0)
	wantErr(t, "dequeue from empty queue without waiting", err, store.ErrNoJob)
	_, err = s.Dequeue(ctx, "w1", 50*time.Millisecond)
	wantErr(t, "dequeue from empty queue", err, store.ErrNoJob)

	var ids []string
	for i := range 3 {
		id, err := s.Enqueue(ctx, "investigate", json.RawMessage(fmt.Sprintf(`{"regression":"R-%d"}`, i+1)))
		must(t, "enqueue", err)
		ids = append(ids, id)
	}
	if ids[0] == ids[1] || ids[1] == ids[2] || ids[0] == ids[2] {
		t.Fatalf("enqueue returned duplicate ids %v", ids)
	}
	for i := range 3 {
		job, err := s.Dequeue(ctx, "w1", time.Second)
		must(t, "dequeue", err)
		want := store.Job{ID: ids[i], Kind: "investigate", Payload: json.RawMessage(fmt.Sprintf(`{"regression":"R-%d"}`, i+1)), Attempts: 1}
		if job.Enqueued.IsZero() {
			t.Errorf("dequeued job %s does not say when it was queued", job.ID)
		}
		job.Enqueued = time.Time{}
		sameJSON(t, "dequeued job", job, want)
		must(t, "ack", s.Ack(ctx, job.ID))
		wantErr(t, "ack twice", s.Ack(ctx, job.ID), store.ErrNotFound)
	}
	_, err = s.Dequeue(ctx, "w1", 0)
	wantErr(t, "dequeue after all acked", err, store.ErrNoJob)
	wantErr(t, "ack unknown job", s.Ack(ctx, "no-such-job"), store.ErrNotFound)

	id, err := s.Enqueue(ctx, "digest", nil)
	must(t, "enqueue without payload", err)
	job, err := s.Dequeue(ctx, "w1", time.Second)
	must(t, "dequeue job without payload", err)
	if job.ID != id || job.Kind != "digest" || len(job.Payload) != 0 {
		t.Errorf("job without payload came back as %+v", job)
	}
	must(t, "ack", s.Ack(ctx, job.ID))
}

func testQueueWakes(t *testing.T, s store.Store) {
	ctx := t.Context()
	got := make(chan *store.Job, 1)
	errc := make(chan error, 1)
	go func() {
		job, err := s.Dequeue(ctx, "w1", 10*time.Second)
		got <- job
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the consumer start waiting
	id, err := s.Enqueue(ctx, "investigate", json.RawMessage(`{}`))
	must(t, "enqueue", err)
	job := <-got
	must(t, "blocked dequeue", <-errc)
	if job.ID != id {
		t.Errorf("blocked dequeue got job %s, want %s", job.ID, id)
	}
	must(t, "ack", s.Ack(ctx, id))
}

func testQueueCancel(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	_, err := s.Dequeue(ctx, "w1", time.Minute)
	wantErr(t, "dequeue with a cancelled context", err, context.Canceled)
}

func testQueueCompeting(t *testing.T, s store.Store) {
	ctx := t.Context()
	const n = 30
	want := map[string]bool{}
	for i := range n {
		id, err := s.Enqueue(ctx, "investigate", json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)))
		must(t, "enqueue", err)
		want[id] = true
	}
	var (
		mu        sync.Mutex
		delivered = map[string]string{} // job id → consumer
		dupes     []string
		errs      []error
	)
	var wg sync.WaitGroup
	for _, consumer := range []string{"replica-a", "replica-b"} {
		wg.Go(func() {
			for {
				job, err := s.Dequeue(ctx, consumer, 200*time.Millisecond)
				if errors.Is(err, store.ErrNoJob) {
					return
				}
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				if other, ok := delivered[job.ID]; ok {
					dupes = append(dupes, fmt.Sprintf("%s to %s and %s", job.ID, other, consumer))
				}
				delivered[job.ID] = consumer
				mu.Unlock()
				if err := s.Ack(ctx, job.ID); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		t.Errorf("consumer: %v", err)
	}
	for _, d := range dupes {
		t.Errorf("job delivered twice: %s", d)
	}
	for id := range want {
		if _, ok := delivered[id]; !ok {
			t.Errorf("job %s never delivered", id)
		}
	}
	if len(delivered) != n {
		t.Errorf("%d distinct jobs delivered, want %d", len(delivered), n)
	}
}

func testQueueReclaim(t *testing.T, s store.Store) {
	ctx := t.Context()
	id, err := s.Enqueue(ctx, "investigate", json.RawMessage(`{"regression":"R-7"}`))
	must(t, "enqueue", err)
	held, err := s.Dequeue(ctx, "replica-dead", time.Second)
	must(t, "dequeue by the consumer that will die", err)
	if held.ID != id {
		t.Fatalf("dequeued %s, want %s", held.ID, id)
	}
	// replica-dead never acks. The job is not handed out again by Dequeue...
	_, err = s.Dequeue(ctx, "replica-alive", 50*time.Millisecond)
	wantErr(t, "dequeue while the job is held", err, store.ErrNoJob)
	// ...nor reclaimed before it has been idle long enough.
	early, err := s.Reclaim(ctx, "replica-alive", time.Hour)
	must(t, "early reclaim", err)
	if len(early) != 0 {
		t.Fatalf("reclaim before minIdle handed over %d jobs", len(early))
	}
	time.Sleep(wait)
	jobs, err := s.Reclaim(ctx, "replica-alive", expiry)
	must(t, "reclaim", err)
	want := []store.Job{{ID: id, Kind: "investigate", Payload: json.RawMessage(`{"regression":"R-7"}`), Attempts: 2}}
	for i := range jobs {
		if jobs[i].Enqueued.IsZero() {
			t.Errorf("reclaimed job %s does not say when it was queued", jobs[i].ID)
		}
		jobs[i].Enqueued = time.Time{}
	}
	sameJSON(t, "reclaimed jobs", jobs, want)
	again, err := s.Reclaim(ctx, "replica-other", time.Hour)
	must(t, "reclaim again", err)
	if len(again) != 0 {
		t.Errorf("a freshly reclaimed job was reclaimed again: %+v", again)
	}
	must(t, "ack reclaimed job", s.Ack(ctx, id))
	wantErr(t, "late ack by the dead consumer", s.Ack(ctx, id), store.ErrNotFound)
	time.Sleep(wait)
	left, err := s.Reclaim(ctx, "replica-alive", expiry)
	must(t, "reclaim after ack", err)
	if len(left) != 0 {
		t.Errorf("acked job reclaimed: %+v", left)
	}
	_, err = s.Dequeue(ctx, "replica-alive", 0)
	wantErr(t, "dequeue after ack", err, store.ErrNoJob)
}

// testQueueRetry: a job its consumer failed and asked to retry is
// reclaimed once the retry time has come, long before minIdle, by any
// consumer, with the new delivery counted; a job not pending cannot be
// retried.
func testQueueRetry(t *testing.T, s store.Store) {
	ctx := t.Context()
	id, err := s.Enqueue(ctx, "detect.shard", json.RawMessage(`{"shard":3}`))
	must(t, "enqueue", err)
	held, err := s.Dequeue(ctx, "replica-a", time.Second)
	must(t, "dequeue", err)
	must(t, "retry", s.Retry(ctx, held.ID, expiry))
	early, err := s.Reclaim(ctx, "replica-b", time.Hour)
	must(t, "reclaim before the retry time", err)
	if len(early) != 0 {
		t.Fatalf("reclaimed %d jobs before their retry time", len(early))
	}
	time.Sleep(wait)
	jobs, err := s.Reclaim(ctx, "replica-b", time.Hour)
	must(t, "reclaim at the retry time", err)
	if len(jobs) != 1 || jobs[0].ID != id || jobs[0].Attempts != 2 {
		t.Fatalf("reclaimed %+v, want %s on its second attempt", jobs, id)
	}
	again, err := s.Reclaim(ctx, "replica-c", time.Hour)
	must(t, "reclaim again", err)
	if len(again) != 0 {
		t.Errorf("a retried job was handed over twice: %+v", again)
	}
	must(t, "ack", s.Ack(ctx, id))
	wantErr(t, "retry after ack", s.Retry(ctx, id, 0), store.ErrNotFound)
	wantErr(t, "retry of an unknown job", s.Retry(ctx, "no-such-job", 0), store.ErrNotFound)
}
