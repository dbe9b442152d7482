package schedule

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/store"
)

// scanCounter is a Store that counts the lists of every stored regression.
type scanCounter struct {
	Store
	fullScans atomic.Int32
}

func (c *scanCounter) ListRegressions(ctx context.Context, opts store.ListOptions) ([]store.Regression, error) {
	if len(opts.Fingerprints) == 0 {
		c.fullScans.Add(1)
	}
	return c.Store.ListRegressions(ctx, opts)
}

// TestTickLooksUpByFingerprint: with a thousand regressions stored, the
// ticks that find a step (new, then ongoing) look its regression up by
// fingerprint and never list them all, and still alert it once.
func TestTickLooksUpByFingerprint(t *testing.T) {
	st := openStore(t)
	for i := range 1000 {
		r := &store.Regression{Fingerprint: fmt.Sprintf("other-%d", i), Service: "other", Status: store.RegressionOpen}
		if _, err := st.CreateRegressionIfNew(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	counted := &scanCounter{Store: st}
	rec := &recorder{st: st}
	s := New([]Job{testJob}, &levelSource{level: stepUp}, counted, rec, Options{Owner: "a"})
	for i := range 3 {
		if _, err := s.Tick(context.Background(), testJob, t0.Add(72*time.Hour+time.Duration(i)*15*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if n := counted.fullScans.Load(); n != 0 {
		t.Errorf("%d ticks listed every stored regression", n)
	}
	if len(rec.opened) != 1 || rec.opened[0].ID != "R-1001" {
		t.Errorf("opened %+v, want R-1001 once", rec.opened)
	}
}

// shardSource serves levelSource's series in shards, each under its own
// instance label.
type shardSource struct {
	levelSource
	shards int
}

func (s *shardSource) QueryShards(ctx context.Context, q string, start, end time.Time, step time.Duration, each func([]detector.Series) error) error {
	for i := range s.shards {
		series, err := s.Query(ctx, q, start, end, step)
		if err != nil {
			return err
		}
		series[0].Labels["instance"] = fmt.Sprint(i)
		if err := each(series); err != nil {
			return err
		}
	}
	return nil
}

// TestTickDetectsEveryShard: a source that answers in shards has each
// detected; the report counts the series of all of them.
func TestTickDetectsEveryShard(t *testing.T) {
	st := openStore(t)
	rec := &recorder{st: st}
	src := &shardSource{levelSource: levelSource{level: stepUp}, shards: 3}
	s := New([]Job{testJob}, src, st, rec, Options{Owner: "a"})
	rep, err := s.Tick(context.Background(), testJob, t0.Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Series != 3 || len(rep.Opened) != 3 || len(rec.opened) != 3 {
		t.Errorf("report %d series, %d opened (notified %d); want 3 of each", rep.Series, len(rep.Opened), len(rec.opened))
	}
}
