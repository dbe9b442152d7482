package bolt_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
	"github.com/wattson-dev/wattson/store/storetest"
)

func open(t *testing.T, path string, opts bolt.Options) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(path, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{})
	})
}

func TestDataSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wattson.db")
	s, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	f := storetest.Populate(t, s)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	f.Check(t, open(t, path, bolt.Options{}))
}

func TestSecondOpenIsLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wattson.db")
	open(t, path, bolt.Options{})
	_, err := bolt.Open(path, bolt.Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, bolt.ErrLocked) {
		t.Fatalf("second open: got %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "in use by another process") {
		t.Errorf("second open error %q should name the file and say it is in use", err)
	}
}

// validFile returns the bytes of a real store file with some data in it.
func validFile(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "valid.db")
	s, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	storetest.Populate(t, s)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCorruptFileIsReportedAndLeftUntouched(t *testing.T) {
	random := func(n int) []byte {
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return b
	}
	valid := validFile(t)
	const page = 4096
	smash := func(from, to int) []byte {
		b := bytes.Clone(valid)
		copy(b[from:to], random(to-from))
		return b
	}
	cases := map[string][]byte{
		"text":              []byte("this is not a database\n"),
		"short garbage":     random(100),
		"page of garbage":   random(page),
		"pages of garbage":  random(16 * page),
		"sqlite header":     append([]byte("SQLite format 3\x00"), random(8*page)...),
		"both meta smashed": smash(0, 2*page),
		"data smashed":      smash(2*page, len(valid)),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "wattson.db")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := bolt.Open(path, bolt.Options{})
			if err == nil {
				s.Close()
				t.Fatal("open of a corrupt file succeeded")
			}
			t.Logf("open: %v", err)
			if !errors.Is(err, store.ErrCorrupt) {
				t.Errorf("open: got %v, want ErrCorrupt", err)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "corrupt") {
				t.Errorf("error %q should name the file and say it is corrupt", msg)
			}
			after, rerr := os.ReadFile(path)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if !bytes.Equal(after, content) {
				t.Errorf("open changed the corrupt file: %d bytes before, %d after", len(content), len(after))
			}
		})
	}
}

func TestForeignBoltFileIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucket([]byte("someone-elses-data"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	_, err = bolt.Open(path, bolt.Options{})
	if !errors.Is(err, store.ErrCorrupt) || !strings.Contains(err.Error(), "meta bucket") {
		t.Errorf("open of another program's bbolt file: %v, want ErrCorrupt naming the missing meta bucket", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("open changed another program's bbolt file")
	}
}

func TestEmptyFileIsInitialised(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wattson.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := open(t, path, bolt.Options{})
	if _, err := s.ListRegressions(t.Context(), store.ListOptions{}); err != nil {
		t.Fatalf("list in a fresh store: %v", err)
	}
}

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestExpiryFollowsInjectedClock(t *testing.T) {
	ctx := t.Context()
	c := &clock{t: time.Date(2025, 3, 5, 10, 0, 0, 0, time.UTC)}
	s := open(t, filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{Now: c.now})

	if ok, err := s.AcquireLease(ctx, "tick", "a", time.Minute); err != nil || !ok {
		t.Fatalf("acquire: %v %v", ok, err)
	}
	if first, err := s.Remember(ctx, "ev", time.Minute); err != nil || !first {
		t.Fatalf("remember: %v %v", first, err)
	}
	if _, err := s.Enqueue(ctx, "investigate", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Dequeue(ctx, "dead", 0); err != nil {
		t.Fatal(err)
	}

	c.advance(59 * time.Second)
	if ok, _ := s.AcquireLease(ctx, "tick", "b", time.Minute); ok {
		t.Error("lease taken over before its ttl")
	}
	if first, _ := s.Remember(ctx, "ev", time.Minute); first {
		t.Error("key forgotten before its ttl")
	}
	if jobs, _ := s.Reclaim(ctx, "alive", time.Minute); len(jobs) != 0 {
		t.Error("job reclaimed before minIdle")
	}

	c.advance(time.Second)
	if ok, err := s.AcquireLease(ctx, "tick", "b", time.Minute); err != nil || !ok {
		t.Errorf("lease after its ttl: %v %v", ok, err)
	}
	if first, err := s.Remember(ctx, "ev", time.Minute); err != nil || !first {
		t.Errorf("key after its ttl: %v %v", first, err)
	}
	if jobs, err := s.Reclaim(ctx, "alive", time.Minute); err != nil || len(jobs) != 1 || jobs[0].Attempts != 2 {
		t.Errorf("reclaim after minIdle: %+v %v", jobs, err)
	}
}

func TestCreateStampsUpdatedAtWithClock(t *testing.T) {
	c := &clock{t: time.Date(2025, 3, 5, 10, 0, 0, 0, time.FixedZone("X", 3600))}
	s := open(t, filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{Now: c.now})
	r := &store.Regression{Fingerprint: "fp"}
	if _, err := s.CreateRegressionIfNew(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	if !r.UpdatedAt.Equal(c.now()) || r.UpdatedAt.Location() != time.UTC {
		t.Errorf("UpdatedAt %v, want %v in UTC", r.UpdatedAt, c.now())
	}
}

func BenchmarkStore(b *testing.B) {
	storetest.Benchmark(b, func(b *testing.B) store.Store {
		s, err := bolt.Open(filepath.Join(b.TempDir(), "wattson.db"), bolt.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	})
}
