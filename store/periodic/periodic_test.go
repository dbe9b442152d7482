package periodic_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store/bolt"
	"github.com/wattson-dev/wattson/store/periodic"
)

func openStore(t *testing.T) *bolt.Store {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestNominalTick(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec string
		loc  *time.Location
		now  string
		want string
	}{
		{"*/15 * * * *", nil, "2026-11-25T12:15:00.300Z", "2026-11-25T12:15:00Z"},
		{"*/15 * * * *", nil, "2026-11-25T12:15:00.999Z", "2026-11-25T12:15:00Z"},
		{"0 9 * * *", berlin, "2026-11-25T08:00:00.2Z", "2026-11-25T08:00:00Z"},
		{"@every 10m", nil, "2026-11-25T12:17:03Z", "2026-11-25T12:10:00Z"},
		// Without a zone the spec is UTC, whatever the clock's zone.
		{"0 9 * * *", nil, "2026-11-25T10:00:00.2+01:00", "2026-11-25T09:00:00Z"},
		{"CRON_TZ=Europe/Berlin 0 9 * * *", nil, "2026-11-25T08:00:00.2Z", "2026-11-25T08:00:00Z"},
	}
	for _, tt := range tests {
		sched, err := periodic.Parse(tt.spec, tt.loc)
		if err != nil {
			t.Fatal(err)
		}
		if got := periodic.NominalTick(sched, at(t, tt.now)); !got.Equal(at(t, tt.want)) {
			t.Errorf("NominalTick(%q, %s) = %v, want %s", tt.spec, tt.now, got, tt.want)
		}
	}
}

func TestNominalTickOfAScheduleThatNeverFiresAgain(t *testing.T) {
	sched, err := periodic.Parse("0 0 30 2 *", nil) // February 30th
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		periodic.NominalTick(sched, at(t, "2026-11-25T12:00:00Z"))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("NominalTick does not return")
	}
}

func TestParseRejectsABadSpec(t *testing.T) {
	for _, spec := range []string{"every day", "* * *", "@every soon"} {
		if _, err := periodic.Parse(spec, nil); err == nil || !strings.Contains(err.Error(), `parse schedule "`+spec+`"`) {
			t.Errorf("Parse(%q): err = %v", spec, err)
		}
	}
}

// counter is a Job.Do that counts its calls per tick.
type counter struct {
	mu    sync.Mutex
	ticks map[time.Time]int
}

func (c *counter) do(_ context.Context, tick time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ticks == nil {
		c.ticks = map[time.Time]int{}
	}
	c.ticks[tick]++
	return nil
}

func (c *counter) calls(tick time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ticks[tick]
}

func TestRunTickRunsOnceAcrossReplicas(t *testing.T) {
	st := openStore(t)
	ctx := t.Context()
	a := periodic.New(st, periodic.Options{Owner: "replica-a", Prefix: "periodic/"})
	b := periodic.New(st, periodic.Options{Owner: "replica-b", Prefix: "periodic/"})
	var c counter
	job := periodic.Job{Name: "digest", Spec: "0 9 * * *", Do: c.do}
	tick := at(t, "2026-11-25T09:00:00Z")

	ran, err := a.RunTick(ctx, job, tick)
	if err != nil || !ran {
		t.Fatalf("first replica: ran=%v err=%v, want it to run", ran, err)
	}
	// The second replica's timer fires on the same nominal tick (told in
	// another zone): it does nothing.
	ran, err = b.RunTick(ctx, job, tick.In(time.FixedZone("UTC+1", 3600)))
	if err != nil || ran {
		t.Fatalf("second replica on the same tick: ran=%v err=%v, want it skipped", ran, err)
	}
	if n := c.calls(tick); n != 1 {
		t.Errorf("Do ran %d times for one tick, want 1", n)
	}
	// The next tick is another lease: whichever replica comes first runs it.
	next := tick.Add(24 * time.Hour)
	if ran, err := b.RunTick(ctx, job, next); err != nil || !ran {
		t.Fatalf("second replica on the next tick: ran=%v err=%v, want it to run", ran, err)
	}
	if ran, err := a.RunTick(ctx, job, next); err != nil || ran {
		t.Fatalf("first replica on the next tick: ran=%v err=%v, want it skipped", ran, err)
	}
	if n := c.calls(next); n != 1 {
		t.Errorf("Do ran %d times for the next tick, want 1", n)
	}
	// Another job's tick at the same time is its own lease.
	other := periodic.Job{Name: "offense", Spec: "0 9 * * *", Do: c.do}
	if ran, err := b.RunTick(ctx, other, tick); err != nil || !ran {
		t.Fatalf("another job on the same tick: ran=%v err=%v, want it to run", ran, err)
	}

	key := a.LeaseKey("digest", tick.In(time.FixedZone("UTC-5", -5*3600)))
	if key != "periodic/digest/2026-11-25T09:00:00Z" {
		t.Errorf("LeaseKey = %q", key)
	}
	if ok, err := st.AcquireLease(ctx, key, "replica-c", time.Minute); err != nil || ok {
		t.Errorf("lease %s: free=%v err=%v, want it held by replica-a", key, ok, err)
	}
}

func TestRunTickRunsConcurrentReplicasOnce(t *testing.T) {
	st := openStore(t)
	var c counter
	job := periodic.Job{Name: "scan", Do: c.do}
	tick := at(t, "2026-11-25T12:15:00Z")
	var wg sync.WaitGroup
	var won atomic.Int32
	for _, owner := range []string{"a", "b", "c", "d"} {
		r := periodic.New(st, periodic.Options{Owner: owner, Prefix: "detect/"})
		wg.Go(func() {
			ran, err := r.RunTick(t.Context(), job, tick)
			if err != nil {
				t.Error(err)
			}
			if ran {
				won.Add(1)
			}
		})
	}
	wg.Wait()
	if won.Load() != 1 || c.calls(tick) != 1 {
		t.Errorf("%d replicas ran, Do called %d times; want 1 and 1", won.Load(), c.calls(tick))
	}
}

// failingLeases is a lease store that is down.
type failingLeases struct{ err error }

func (f failingLeases) AcquireLease(context.Context, string, string, time.Duration) (bool, error) {
	return false, f.err
}

func TestRunTickErrors(t *testing.T) {
	down := errors.New("store is down")
	var c counter
	r := periodic.New(failingLeases{down}, periodic.Options{Owner: "a", Prefix: "p/"})
	tick := at(t, "2026-11-25T12:15:00Z")
	ran, err := r.RunTick(t.Context(), periodic.Job{Name: "j", Do: c.do}, tick)
	if ran || !errors.Is(err, down) || !strings.Contains(err.Error(), "take tick lease p/j/2026-11-25T12:15:00Z") {
		t.Errorf("lease failure: ran=%v err=%v", ran, err)
	}
	if c.calls(tick) != 0 {
		t.Error("Do ran without the lease")
	}

	failed := errors.New("scan failed")
	r = periodic.New(openStore(t), periodic.Options{Owner: "a"})
	ran, err = r.RunTick(t.Context(), periodic.Job{Name: "j", Do: func(context.Context, time.Time) error { return failed }}, tick)
	if !ran || err != failed {
		t.Errorf("Do failure: ran=%v err=%v, want true and Do's error as is", ran, err)
	}
}

func TestRunRejectsABadSpecBeforeStarting(t *testing.T) {
	var c counter
	r := periodic.New(openStore(t), periodic.Options{Owner: "a"})
	done := make(chan error, 1)
	go func() {
		done <- r.Run(t.Context(), []periodic.Job{
			{Name: "good", Spec: "@every 1s", Do: c.do},
			{Name: "bad", Spec: "every day", Do: c.do},
		})
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), `job bad: parse schedule "every day"`) {
			t.Errorf("Run = %v, want the bad job's parse error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run with a bad spec did not return")
	}
	if err := r.Run(t.Context(), []periodic.Job{{Name: "nodo", Spec: "@every 1s"}}); err == nil {
		t.Error("Run accepted a job without Do")
	}
}

// logBuffer is a slog destination safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls cond for up to 20 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRunSkipsATickWhileThePreviousRunsAndWaitsOnCancel runs an @every 1s
// job whose first tick blocks: later ticks are skipped, not overlapped, and
// when ctx ends Run returns only after the running tick has finished.
func TestRunSkipsATickWhileThePreviousRunsAndWaitsOnCancel(t *testing.T) {
	logs := &logBuffer{}
	r := periodic.New(openStore(t), periodic.Options{Owner: "a", Prefix: "periodic/",
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	var running, calls, finished atomic.Int32
	var overlapped atomic.Bool
	release := make(chan struct{})
	job := periodic.Job{Name: "slow", Spec: "@every 1s", Do: func(ctx context.Context, tick time.Time) error {
		if running.Add(1) > 1 {
			overlapped.Store(true)
		}
		defer running.Add(-1)
		if !tick.Equal(tick.Truncate(time.Second)) {
			t.Errorf("tick %v is not truncated to the interval", tick)
		}
		if calls.Add(1) == 1 {
			<-release
			time.Sleep(100 * time.Millisecond) // still busy after ctx ends
			finished.Add(1)
		}
		return nil
	}}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, []periodic.Job{job}) }()

	waitFor(t, "the first tick", func() bool { return calls.Load() == 1 })
	waitFor(t, "a skipped tick", func() bool {
		return strings.Contains(logs.String(), `msg="periodic tick skipped: previous tick still running" job=slow`)
	})
	if calls.Load() != 1 {
		t.Errorf("Do called %d times while the first tick ran, want 1", calls.Load())
	}
	cancel()
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil when ctx ends", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after ctx ended")
	}
	if finished.Load() != 1 {
		t.Error("Run returned before the running tick finished")
	}
	if overlapped.Load() {
		t.Error("ticks of one job overlapped")
	}
	if !strings.Contains(logs.String(), `msg="periodic tick" job=slow tick=`) {
		t.Errorf("no periodic tick line in the log:\n%s", logs.String())
	}
}
