package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wattson-dev/wattson/detector/prom"
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
// instance label; the second shard's answer is partial, with a warning.
type shardSource struct {
	levelSource
	shards int
}

var (
	_ ShardSource = (*shardSource)(nil)
	_ ShardSource = (*prom.Source)(nil)
	_ Planner     = (*prom.Source)(nil)
)

const partialWarning = "partial response: store gateway 2 unavailable"

func (s *shardSource) QueryShards(ctx context.Context, q string, start, end time.Time, step time.Duration, each func(prom.Result) error) error {
	for i := range s.shards {
		series, err := s.Query(ctx, q, start, end, step)
		if err != nil {
			return err
		}
		series[0].Labels["instance"] = fmt.Sprint(i)
		r := prom.Result{Series: series}
		if i == 1 {
			r.Warnings = []string{partialWarning}
		}
		if err := each(r); err != nil {
			return err
		}
	}
	return nil
}

// TestTickDetectsEveryShard: a source that answers in shards has each
// detected; the report counts the series of all of them; the regression
// found in the partial shard keeps its warning, the others none.
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
		t.Fatalf("report %d series, %d opened (notified %d); want 3 of each", rep.Series, len(rep.Opened), len(rec.opened))
	}
	for _, r := range rec.opened {
		want := "[]"
		if r.Labels["instance"] == "1" {
			want = "[" + partialWarning + "]"
		}
		if got := fmt.Sprint(r.DataWarnings); got != want {
			t.Errorf("%s (instance %s): data warnings %s, want %s", r.ID, r.Labels["instance"], got, want)
		}
	}
}

// TestKeptWarnings: a regression keeps a few warnings, each bounded.
func TestKeptWarnings(t *testing.T) {
	long := strings.Repeat("é", keptWarningSize)
	got := kept([]string{"a", long, "c", "d"})
	if len(got) != keptWarnings || got[0] != "a" || got[2] != "c" {
		t.Fatalf("kept %q", got)
	}
	if !utf8.ValidString(got[1]) || len(got[1]) > keptWarningSize+len("…") {
		t.Errorf("long warning kept as %d bytes, valid %v", len(got[1]), utf8.ValidString(got[1]))
	}
	if kept(nil) != nil {
		t.Error("no warnings kept as non-nil")
	}
}

// TestDetectStopsWhenCancelled: a replica shutting down mid-shard stops
// detecting (the shard is tried again elsewhere) instead of finishing it.
func TestDetectStopsWhenCancelled(t *testing.T) {
	st := openStore(t)
	s := New([]Job{testJob}, &levelSource{level: stepUp}, st, &recorder{st: st}, Options{Owner: "a"})
	series, err := (&levelSource{level: stepUp}).Query(t.Context(), testJob.Query, t0, t0.Add(72*time.Hour), testJob.Step)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var rep Report
	if err := s.detect(ctx, testJob, series, nil, &rep); !errors.Is(err, context.Canceled) {
		t.Errorf("detect after cancel: %v, want context.Canceled", err)
	}
}
