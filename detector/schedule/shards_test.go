package schedule

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/store"
)

// planSource plans levelSource's series as shards of one series each,
// the shard's index as its instance label; a shard whose query is
// failing errs.
type planSource struct {
	levelSource
	shards  int
	failing atomic.Value // string: the shard query that fails
	queried atomic.Int64
}

func (s *planSource) Plan(_ context.Context, q string, _, _ time.Time, _ time.Duration) ([]prom.Shard, error) {
	out := make([]prom.Shard, s.shards)
	for i := range out {
		out[i] = prom.Shard{Query: q + `{instance="` + strconv.Itoa(i) + `"}`, Points: 11000}
	}
	return out, nil
}

func (s *planSource) QueryShard(ctx context.Context, sh prom.Shard, start, end time.Time, step time.Duration) (prom.Result, error) {
	s.queried.Add(1)
	if f, _ := s.failing.Load().(string); f == sh.Query {
		return prom.Result{}, errors.New("prometheus is away")
	}
	series, err := s.Query(ctx, sh.Query, start, end, step)
	if err != nil {
		return prom.Result{}, err
	}
	_, inst, _ := strings.Cut(sh.Query, `instance="`)
	series[0].Labels["instance"] = strings.TrimSuffix(inst, `"}`)
	return prom.Result{Series: series}, nil
}

// drain runs every queued job on the replicas in turn, as their workers
// would, and returns how many ran on each.
func drain(t *testing.T, st store.Queue, replicas ...*Scheduler) []int {
	t.Helper()
	ran := make([]int, len(replicas))
	for i := 0; ; i++ {
		r := i % len(replicas)
		j, err := st.Dequeue(context.Background(), "r"+strconv.Itoa(r), 0)
		if errors.Is(err, store.ErrNoJob) {
			return ran
		}
		if err != nil {
			t.Fatal(err)
		}
		if j.Kind != ShardJob {
			t.Fatalf("queued a %q job", j.Kind)
		}
		if err := replicas[r].RunShard(context.Background(), *j); err != nil {
			t.Fatalf("shard on replica %d: %v", r, err)
		}
		if err := st.Ack(context.Background(), j.ID); err != nil {
			t.Fatal(err)
		}
		ran[r]++
	}
}

// TestShardsSpreadOverReplicas: with a queue, a tick's winner queues its
// shards instead of scanning them; any replica runs them, each shard's
// regression is stored and alerted once, and the job's next tick is held
// back until every shard of the previous one is done.
func TestShardsSpreadOverReplicas(t *testing.T) {
	st := openStore(t)
	rec := &recorder{st: st}
	src := &planSource{levelSource: levelSource{level: stepUp}, shards: 4}
	opts := func(owner string) Options { return Options{Owner: owner, Queue: st, ShardAttempts: 3} }
	a := New([]Job{testJob}, src, st, rec, opts("a"))
	b := New([]Job{testJob}, src, st, rec, opts("b"))
	tick := t0.Add(72 * time.Hour)

	rep, err := a.Tick(context.Background(), testJob, tick)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Ran || rep.Queued != 4 || rep.Series != 0 || src.queried.Load() != 0 {
		t.Fatalf("winner's report %+v after %d shard queries, want 4 queued and none queried", rep, src.queried.Load())
	}
	// the next tick finds the previous one's shards not done
	rep, err = b.Tick(context.Background(), testJob, tick.Add(15*time.Minute))
	if err != nil || !rep.Skipped || rep.Queued != 0 {
		t.Fatalf("tick while shards wait: %+v, %v; want skipped", rep, err)
	}
	if ran := drain(t, st, a, b); ran[0] != 2 || ran[1] != 2 {
		t.Errorf("shards ran %v on the two replicas, want 2 each", ran)
	}
	if len(rec.opened) != 4 {
		t.Fatalf("notified %d regressions, want one per shard's series (4)", len(rec.opened))
	}
	// done: the next tick is sharded again, and finds only known changes
	rep, err = b.Tick(context.Background(), testJob, tick.Add(30*time.Minute))
	if err != nil || rep.Queued != 4 {
		t.Fatalf("tick after the shards were done: %+v, %v; want 4 queued", rep, err)
	}
	drain(t, st, b, a)
	if len(rec.opened) != 4 {
		t.Errorf("notified %d regressions after a second sharded tick, want still 4", len(rec.opened))
	}
}

// TestShardFailingItsLastAttemptCountsDone: a shard that keeps failing is
// retried by the worker, and on its last attempt counts as done, so the
// job's next tick is not held back by it.
func TestShardFailingItsLastAttemptCountsDone(t *testing.T) {
	st := openStore(t)
	rec := &recorder{st: st}
	src := &planSource{levelSource: levelSource{level: stepUp}, shards: 2}
	src.failing.Store(`q{instance="1"}`)
	s := New([]Job{testJob}, src, st, rec, Options{Owner: "a", Queue: st, ShardAttempts: 2})
	tick := t0.Add(72 * time.Hour)
	if _, err := s.Tick(context.Background(), testJob, tick); err != nil {
		t.Fatal(err)
	}
	var failed store.Job
	for range 2 {
		j, err := st.Dequeue(context.Background(), "a", 0)
		if err != nil {
			t.Fatal(err)
		}
		j.Attempts = 1
		if err := s.RunShard(context.Background(), *j); err != nil {
			failed = *j
		}
	}
	if failed.ID == "" {
		t.Fatal("the failing shard's first attempt did not fail")
	}
	if rep, _ := s.Tick(context.Background(), testJob, tick.Add(15*time.Minute)); !rep.Skipped {
		t.Fatalf("tick with a shard left to retry: %+v, want skipped", rep)
	}
	failed.Attempts = 2
	if err := s.RunShard(context.Background(), failed); err != nil {
		t.Fatalf("last attempt: %v, want it counted done", err)
	}
	if rep, err := s.Tick(context.Background(), testJob, tick.Add(30*time.Minute)); err != nil || rep.Queued != 2 {
		t.Fatalf("tick after the last attempt: %+v, %v; want 2 queued", rep, err)
	}
}

// TestShardOfAnUnknownJobFails: a replica whose config lacks the job
// says so.
func TestShardOfAnUnknownJobFails(t *testing.T) {
	st := openStore(t)
	s := New([]Job{testJob}, &planSource{shards: 2}, st, &recorder{st: st}, Options{Queue: st})
	err := s.RunShard(context.Background(), store.Job{ID: "1-0", Kind: ShardJob, Payload: []byte(`{"job":"other","of":2}`)})
	if err == nil || !strings.Contains(err.Error(), `no detection job "other"`) {
		t.Errorf("err = %v, want it to name the unknown job", err)
	}
}
