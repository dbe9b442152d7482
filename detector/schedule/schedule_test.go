package schedule

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
)

// levelSource serves one series whose value at time t is level(t) plus
// gaussian noise that depends only on t, so overlapping windows agree.
type levelSource struct {
	level func(t time.Time) float64
	calls int
	mu    sync.Mutex
}

func (s *levelSource) Query(_ context.Context, _ string, start, end time.Time, step time.Duration) ([]detector.Series, error) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	ser := detector.Series{Labels: map[string]string{"__name__": "cpu_seconds_per_request", "service": "checkout"}}
	for t := start.Truncate(step); !t.After(end); t = t.Add(step) {
		r := rand.New(rand.NewPCG(uint64(t.Unix()), 7))
		ser.Times = append(ser.Times, t.Unix())
		ser.Values = append(ser.Values, s.level(t)*(1+0.02*r.NormFloat64()))
	}
	return []detector.Series{ser}, nil
}

// recorder is a Notifier that remembers what it was told and, like the
// bot, stores the alert's thread; while fail is set, posting fails.
type recorder struct {
	st             Store
	fail           bool
	mu             sync.Mutex
	opened, solved []store.Regression
}

func (r *recorder) RegressionOpened(ctx context.Context, reg store.Regression, _ detector.Series) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("chat is down")
	}
	r.opened = append(r.opened, reg)
	reg.Thread = store.ThreadRef{Platform: "console", Channel: reg.Channel, MessageID: reg.ID}
	return r.st.UpdateRegression(ctx, &reg)
}

func (r *recorder) RegressionWentAway(_ context.Context, reg store.Regression) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.solved = append(r.solved, reg)
	return nil
}

func openStore(t *testing.T) *bolt.Store {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var (
	t0      = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	stepAt  = t0.Add(48 * time.Hour)
	testJob = Job{Name: "checkout-cpu", Query: "q", Spec: "*/15 * * * *", Step: 5 * time.Minute,
		Lookback: 72 * time.Hour, Channel: "#checkout", Policy: detector.Policy{MinPct: 5, MinDuration: time.Hour}}
)

func stepUp(t time.Time) float64 {
	if t.Before(stepAt) {
		return 1
	}
	return 1.3
}

func TestTickOpensOnceAndNeverRealerts(t *testing.T) {
	st := openStore(t)
	rec := &recorder{st: st}
	s := New([]Job{testJob}, &levelSource{level: stepUp}, st, rec, Options{Owner: "a"})
	tick := t0.Add(72 * time.Hour)
	for i := range 6 { // six scans, 15 minutes apart, all see the step
		rep, err := s.Tick(context.Background(), testJob, tick.Add(time.Duration(i)*15*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Ran || rep.Series != 1 {
			t.Fatalf("tick %d: %+v", i, rep)
		}
	}
	if len(rec.opened) != 1 {
		t.Fatalf("notified %d times, want exactly 1: %+v", len(rec.opened), rec.opened)
	}
	r := rec.opened[0]
	if r.ID != "R-1" || r.Service != "checkout" || r.Metric != "cpu_seconds_per_request" || r.Channel != "#checkout" ||
		r.Direction != store.DirectionUp || r.Status != store.RegressionOpen {
		t.Errorf("regression = %+v", r)
	}
	if d := r.ChangeTime.Sub(stepAt); d < -30*time.Minute || d > 30*time.Minute {
		t.Errorf("change time %v, want near %v", r.ChangeTime, stepAt)
	}
	if math.Abs(r.Pct-30) > 5 {
		t.Errorf("pct = %.1f, want about 30", r.Pct)
	}
	all, err := st.ListRegressions(context.Background(), store.ListOptions{})
	if err != nil || len(all) != 1 {
		t.Errorf("stored %d regressions (err %v), want 1", len(all), err)
	}
}

func TestTickRetriesAFailedAlertOnce(t *testing.T) {
	st := openStore(t)
	rec := &recorder{st: st, fail: true}
	s := New([]Job{testJob}, &levelSource{level: stepUp}, st, rec, Options{Owner: "a"})
	tick := t0.Add(72 * time.Hour)
	if _, err := s.Tick(context.Background(), testJob, tick); err != nil {
		t.Fatal(err)
	}
	rec.fail = false
	for i := 1; i <= 3; i++ {
		if _, err := s.Tick(context.Background(), testJob, tick.Add(time.Duration(i)*15*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.opened) != 1 || rec.opened[0].ID != "R-1" {
		t.Errorf("posted %+v, want R-1 exactly once after the failure", rec.opened)
	}
}

func TestTickRunsOnceAcrossReplicas(t *testing.T) {
	st := openStore(t)
	src, rec := &levelSource{level: stepUp}, &recorder{st: st}
	a := New([]Job{testJob}, src, st, rec, Options{Owner: "replica-a"})
	b := New([]Job{testJob}, src, st, rec, Options{Owner: "replica-b"})
	tick := t0.Add(72 * time.Hour)
	var wg sync.WaitGroup
	reps := make([]Report, 2)
	for i, s := range []*Scheduler{a, b} {
		wg.Go(func() {
			rep, err := s.Tick(context.Background(), testJob, tick)
			if err != nil {
				t.Error(err)
			}
			reps[i] = rep
		})
	}
	wg.Wait()
	if reps[0].Ran == reps[1].Ran || src.calls != 1 {
		t.Errorf("ran: a=%v b=%v, source queried %d times; want exactly one replica to run", reps[0].Ran, reps[1].Ran, src.calls)
	}
	if len(rec.opened) != 1 {
		t.Errorf("notified %d times, want 1", len(rec.opened))
	}
	key := "detect/checkout-cpu/" + tick.Format(time.RFC3339)
	if free, err := st.AcquireLease(context.Background(), key, "replica-c", time.Minute); err != nil || free {
		t.Errorf("lease %s: free=%v err=%v, want it held by the replica that ran", key, free, err)
	}
}

func TestTickReportsALeaseFailure(t *testing.T) {
	st := openStore(t)
	src := &levelSource{level: stepUp}
	s := New([]Job{testJob}, src, downLeases{st}, &recorder{st: st}, Options{Owner: "a"})
	rep, err := s.Tick(context.Background(), testJob, t0.Add(72*time.Hour))
	if !errors.Is(err, errLeasesDown) || !strings.HasPrefix(err.Error(), "job checkout-cpu: take tick lease detect/checkout-cpu/") {
		t.Errorf("err = %v", err)
	}
	if rep.Ran || src.calls != 0 {
		t.Errorf("ran %v, queried %d times without the lease", rep.Ran, src.calls)
	}
}

var errLeasesDown = errors.New("leases are down")

// downLeases is a Store whose leases fail.
type downLeases struct{ Store }

func (downLeases) AcquireLease(context.Context, string, string, time.Duration) (bool, error) {
	return false, errLeasesDown
}

func TestRunRejectsABadSchedule(t *testing.T) {
	st := openStore(t)
	job := testJob
	job.Spec = "every day"
	s := New([]Job{testJob, job}, &levelSource{level: stepUp}, st, &recorder{st: st}, Options{Owner: "a"})
	if err := s.Run(context.Background()); err == nil || !strings.Contains(err.Error(), `job checkout-cpu: parse schedule "every day"`) {
		t.Errorf("Run = %v, want the parse error", err)
	}
}

func TestTickResolvesWhenChangeWentAway(t *testing.T) {
	st := openStore(t)
	rec := &recorder{st: st}
	back := stepAt.Add(12 * time.Hour)
	s := New([]Job{testJob}, &levelSource{level: func(t time.Time) float64 {
		if t.Before(stepAt) || !t.Before(back) {
			return 1
		}
		return 1.3
	}}, st, rec, Options{Owner: "a"})
	// While the step is in place it is opened ...
	if _, err := s.Tick(context.Background(), testJob, stepAt.Add(6*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// ... and once the level is back for long, it is resolved, not re-raised.
	for i := range 3 {
		if _, err := s.Tick(context.Background(), testJob, back.Add(12*time.Hour+time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.opened) != 1 || len(rec.solved) != 1 {
		t.Fatalf("opened %d, went away %d; want 1 and 1", len(rec.opened), len(rec.solved))
	}
	r, err := st.GetRegression(context.Background(), rec.opened[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.RegressionResolved || !r.WentAway || r.ResolvedAt.IsZero() {
		t.Errorf("stored regression = %+v, want resolved and went away", r)
	}
}

func TestTickIgnoresImprovementsAndNoise(t *testing.T) {
	st := openStore(t)
	rec := &recorder{st: st}
	for _, level := range []func(time.Time) float64{
		func(time.Time) float64 { return 1 },
		func(t time.Time) float64 { return 2 - stepUp(t) }, // CPU went down: good news
	} {
		s := New([]Job{testJob}, &levelSource{level: level}, st, rec, Options{Owner: "a"})
		if _, err := s.Tick(context.Background(), testJob, t0.Add(72*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.opened) != 0 {
		t.Errorf("alerted on %+v", rec.opened)
	}
}

func TestRunFiresOnSchedule(t *testing.T) {
	st := openStore(t)
	rec := &recorder{st: st}
	job := testJob
	job.Spec = "@every 1s"
	src := &levelSource{level: stepUp}
	now := func() time.Time { return t0.Add(72 * time.Hour) }
	s := New([]Job{job}, src, st, rec, Options{Owner: "a", Now: now})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	deadline := time.After(20 * time.Second)
	for {
		rec.mu.Lock()
		n := len(rec.opened)
		rec.mu.Unlock()
		if n > 0 {
			break
		}
		select {
		case <-deadline:
			t.Fatal("no tick ran")
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
