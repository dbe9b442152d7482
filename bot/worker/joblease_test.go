package worker

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// openStore opens a bolt store on a test clock that moves only when told.
func openStore(t *testing.T) (*clock, *bolt.Store) {
	t.Helper()
	clk := &clock{t: time.Date(2025, 6, 4, 12, 0, 0, 0, time.UTC)}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return clk, st
}

// TestJobRunsOnceWhileHeld: a job the queue hands to a second replica
// while its first holder still runs it (a slow job, not a dead replica) is
// not run again; once the holder's lease lapses (it died), it is.
func TestJobRunsOnceWhileHeld(t *testing.T) {
	clk, st := openStore(t)
	ctx := t.Context()
	var runs atomic.Int32
	handlers := map[string]Handler{"test.job": func(context.Context, store.Job) error { runs.Add(1); return nil }}
	newWorker := func(owner string) *Worker {
		w, err := New(st, Options{Handlers: handlers, Owner: owner, Now: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	first, other := newWorker("replica-a"), newWorker("replica-b")
	id, err := st.Enqueue(ctx, "test.job", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	release, held, err := first.holdJob(ctx, id)
	if err != nil || !held {
		t.Fatalf("first holder: held %v, err %v", held, err)
	}
	other.Work(ctx, store.Job{ID: id, Kind: "test.job", Payload: []byte(`{}`), Attempts: 2})
	if n := runs.Load(); n != 0 {
		t.Fatalf("the second replica ran a held job %d times", n)
	}
	release()
	if _, held, _ := other.holdJob(ctx, id); !held {
		t.Fatal("a released job cannot be taken")
	}

	// A holder that dies stops renewing; its lease lapses.
	if _, held, _ := first.holdJob(ctx, "2-0"); !held {
		t.Fatal("a new job cannot be taken")
	}
	if _, held, _ := other.holdJob(ctx, "2-0"); held {
		t.Fatal("a job held by a live replica was taken")
	}
	clk.add(first.jobLeaseTTL() + 1)
	if _, held, _ := other.holdJob(ctx, "2-0"); !held {
		t.Fatal("a dead replica's job cannot be taken after its lease lapsed")
	}
}

// TestLanesHoldTheirOwnJobs: two queues may give two jobs one id (Redis
// stream ids are per stream); a lane's worker holds its job under a lease
// of its own, so neither job waits for the other's.
func TestLanesHoldTheirOwnJobs(t *testing.T) {
	_, st := openStore(t)
	bot, err := New(st, Options{Owner: "a"})
	if err != nil {
		t.Fatal(err)
	}
	shards, err := New(st, Options{Owner: "b", Lane: "detect"})
	if err != nil {
		t.Fatal(err)
	}
	const id = "1796651840756-0"
	release, held, err := bot.holdJob(t.Context(), id)
	if err != nil || !held {
		t.Fatalf("bot worker: held %v, %v", held, err)
	}
	defer release()
	release2, held, err := shards.holdJob(t.Context(), id)
	if err != nil || !held {
		t.Fatalf("the lane's worker could not hold its own job %s while the bot's of the same id runs: held %v, %v", id, held, err)
	}
	release2()
}
