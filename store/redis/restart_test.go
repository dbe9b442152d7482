package redis_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/redis"
	"github.com/wattson-dev/wattson/store/redis/redistest"
	"github.com/wattson-dev/wattson/store/storetest"
)

// TestServerCrashWithAppendOnlyFile kills Redis with SIGKILL after records
// were written and jobs enqueued, shows that every operation fails cleanly
// while it is down, and that with appendonly yes + appendfsync always
// everything is back after a restart: records, ids that continue, the
// audit log, queued jobs and the job a consumer held, leases and keys.
func TestServerCrashWithAppendOnlyFile(t *testing.T) {
	srv := redistest.Start(t, redistest.AppendOnly())
	s := open(t, srv, "crash")
	f := storetest.Populate(t, s)

	srv.Kill()
	outage(t, s)

	srv.Restart()
	waitReconnect(t, s)
	f.Check(t, s) // the same client reconnects

	fresh := open(t, srv, "crash") // and a new replica sees the same data
	if _, err := fresh.GetRegression(t.Context(), f.Regression.ID); err != nil {
		t.Errorf("new client after restart: %v", err)
	}
}

// outage runs one operation of each kind against a store whose server is
// down: each must return an error (not panic, not hang, not succeed).
func outage(t *testing.T, s store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	ops := map[string]func() error{
		"get": func() error { _, err := s.GetRegression(ctx, "R-1"); return err },
		"create": func() error {
			_, err := s.CreateRegressionIfNew(ctx, &store.Regression{Fingerprint: "outage"})
			return err
		},
		"update":  func() error { return s.UpdateProposal(ctx, &store.Proposal{ID: "P-1", Version: 2}) },
		"list":    func() error { _, err := s.ListRegressions(ctx, store.ListOptions{}); return err },
		"audit":   func() error { _, err := s.AppendAudit(ctx, store.AuditEvent{Actor: "ana", Action: "x"}); return err },
		"enqueue": func() error { _, err := s.Enqueue(ctx, "investigate", json.RawMessage(`{}`)); return err },
		"dequeue": func() error { _, err := s.Dequeue(ctx, "w", 100*time.Millisecond); return err },
		"reclaim": func() error { _, err := s.Reclaim(ctx, "w", 0); return err },
		"ack":     func() error { return s.Ack(ctx, "1-0") },
		"lease":   func() error { _, err := s.AcquireLease(ctx, "k", "o", time.Minute); return err },
		"seen":    func() error { _, err := s.Remember(ctx, "k", time.Minute); return err },
	}
	errs := map[string]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, op := range ops {
		wg.Go(func() {
			err := op()
			mu.Lock()
			errs[name] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	for name, err := range errs {
		switch {
		case err == nil:
			t.Errorf("%s while redis is down: no error", name)
		case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrNoJob):
			t.Errorf("%s while redis is down: %v, want a connection error, not a domain answer", name, err)
		default:
			t.Logf("%s while redis is down: %v", name, err)
		}
	}
}

// waitReconnect waits until s reaches its restarted server again: go-redis
// retries failed dials in the background about once a second.
func waitReconnect(t *testing.T, s store.Store) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := s.ListAudit(t.Context(), "probe", 1)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("store did not reconnect to the restarted server: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServerRestartWithoutPersistence shows what a server that keeps
// nothing loses on restart — everything — and that the store recovers: the
// queue's consumer group is re-created and ids start again.
func TestServerRestartWithoutPersistence(t *testing.T) {
	ctx := t.Context()
	srv := redistest.Start(t)
	s := open(t, srv, "volatile")
	f := storetest.Populate(t, s)

	srv.Restart()
	waitReconnect(t, s)
	if _, err := s.GetRegression(ctx, f.Regression.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("regression after restart without persistence: %v, want ErrNotFound", err)
	}
	if _, err := s.Dequeue(ctx, "w", 0); !errors.Is(err, store.ErrNoJob) {
		t.Errorf("dequeue after restart without persistence: %v, want ErrNoJob", err)
	}
	id, err := s.Enqueue(ctx, "investigate", nil)
	if err != nil {
		t.Fatalf("enqueue after restart: %v", err)
	}
	job, err := s.Dequeue(ctx, "w", time.Second)
	if err != nil || job.ID != id {
		t.Fatalf("dequeue after restart: %+v %v", job, err)
	}
	if err := s.Ack(ctx, id); err != nil {
		t.Errorf("ack after restart: %v", err)
	}
}

// TestReplicaDiesHoldingJob uses two clients, as two replicas would: the
// first takes a job and dies without acknowledging it, the second reclaims
// it once it has been idle long enough.
func TestReplicaDiesHoldingJob(t *testing.T) {
	ctx := t.Context()
	srv := redistest.Start(t)
	a, err := redis.Open(ctx, srv.URL(), redis.Options{Prefix: "replicas"})
	if err != nil {
		t.Fatal(err)
	}
	b := open(t, srv, "replicas")
	id, err := b.Enqueue(ctx, "investigate", json.RawMessage(`{"regression":"R-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	if job, err := a.Dequeue(ctx, "replica-a", time.Second); err != nil || job.ID != id {
		t.Fatalf("replica a dequeue: %+v %v", job, err)
	}
	if err := a.Close(); err != nil { // replica a dies
		t.Fatal(err)
	}
	if _, err := b.Dequeue(ctx, "replica-b", 50*time.Millisecond); !errors.Is(err, store.ErrNoJob) {
		t.Fatalf("replica b dequeue while a holds the job: %v, want ErrNoJob", err)
	}
	time.Sleep(150 * time.Millisecond)
	jobs, err := b.Reclaim(ctx, "replica-b", 100*time.Millisecond)
	if err != nil || len(jobs) != 1 || jobs[0].ID != id || jobs[0].Attempts != 2 {
		t.Fatalf("replica b reclaim: %+v %v, want job %s on attempt 2", jobs, err, id)
	}
	if err := b.Ack(ctx, id); err != nil {
		t.Errorf("replica b ack: %v", err)
	}
}

func TestPrefixesDoNotCollide(t *testing.T) {
	ctx := t.Context()
	srv := redistest.Start(t)
	one, two := open(t, srv, "tenant-one"), open(t, srv, "tenant-two")
	for _, s := range []*redis.Store{one, two} {
		r := &store.Regression{Fingerprint: "same"}
		created, err := s.CreateRegressionIfNew(ctx, r)
		if err != nil || !created || r.ID != "R-1" {
			t.Errorf("create in own prefix: created %v id %s err %v, want R-1", created, r.ID, err)
		}
	}
	if _, err := one.Enqueue(ctx, "x", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := two.Dequeue(ctx, "w", 0); !errors.Is(err, store.ErrNoJob) {
		t.Errorf("dequeue from the other prefix: %v, want ErrNoJob", err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := l.Addr().String()
	l.Close()

	cases := []struct {
		url  string
		want string
	}{
		{"http://user:s3cret@localhost:6379", "invalid URL scheme"},
		{"redis://user:s3cret@localhost:6379/notadb", "invalid database number"},
		{"redis://user:s3cret@localhost:port/0", "parse redis url"},
		{"redis://:s3cret@" + closedAddr + "/0", fmt.Sprintf("connect to redis at %s", closedAddr)},
	}
	for _, c := range cases {
		_, err := redis.Open(ctx, c.url, redis.Options{})
		if err == nil {
			t.Errorf("open %s: no error", c.url)
			continue
		}
		t.Logf("open: %v", err)
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("open: error %q, want it to say %q", err, c.want)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("open: error %q repeats the password", err)
		}
	}
}
