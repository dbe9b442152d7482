package funcschedule

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/funcseries"
	"github.com/wattson-dev/wattson/detector/funcsynth"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
)

// profiles serves, for every endpoint, the profile of the current tick.
type profiles struct {
	ps   []*profile.Profile
	at   int
	down map[string]bool
}

func (p *profiles) Fetch(_ context.Context, url string, _ time.Duration) (*profile.Profile, error) {
	if p.down[url] {
		return nil, errors.New("connection refused")
	}
	return p.ps[p.at].Copy(), nil
}

// notifier records what it is told and, like the bot, stores the alert's
// thread (when it has a store).
type notifier struct {
	st       store.Regressions
	mu       sync.Mutex
	opened   []store.Regression
	series   []detector.Series
	wentAway []store.Regression
}

func (n *notifier) RegressionWentAway(_ context.Context, r store.Regression) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.wentAway = append(n.wentAway, r)
	return nil
}

func (n *notifier) RegressionOpened(ctx context.Context, r store.Regression, s detector.Series) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.opened = append(n.opened, r)
	n.series = append(n.series, s)
	if n.st == nil {
		return nil
	}
	_, err := store.ChangeRegression(ctx, n.st, r.ID, func(r *store.Regression) error {
		r.Thread = store.ThreadRef{Platform: "slack", Channel: "C1", MessageID: "1.0"}
		return nil
	})
	return err
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

func TestTicksAlertOnceNamingTheFunction(t *testing.T) {
	cfg := funcsynth.Config{Seed: 5, Points: 200}
	c := funcsynth.Case{Service: "checkout", Kind: funcsynth.KindStep, ServicePct: 2}
	ps, _ := funcsynth.Service(cfg, &c, 0)
	src := &profiles{ps: ps, down: map[string]bool{"http://b": true}}
	st := openStore(t)
	n := notifier{st: st}
	job := Job{Name: "checkout-functions", Service: "checkout", Endpoints: []string{"http://a", "http://b"},
		Spec: "@every 10m", Profile: time.Second, Lookback: 150 * 10 * time.Minute, MinPoints: 145}
	s := New([]Job{job}, src, st, st.FunctionSeries(), &n, Options{Owner: "r1"})
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	var last Report
	for i := range ps {
		src.at = i
		rep, err := s.Tick(context.Background(), job, start.Add(time.Duration(i)*10*time.Minute))
		if err != nil {
			t.Fatalf("tick %d: %v", i, err)
		}
		if !rep.Ran || rep.Captured != 1 {
			t.Fatalf("tick %d: ran %v, captured %d; want it to run on the one instance that answers", i, rep.Ran, rep.Captured)
		}
		last = rep
	}
	if last.Points != 151 {
		t.Errorf("the series holds %d points, want the lookback's 151", last.Points)
	}
	if len(n.opened) != 1 {
		for _, r := range n.opened {
			t.Logf("alert %s: %s at %s", r.ID, r.Function, r.ChangeTime)
		}
		t.Fatalf("%d alerts, want 1 for the step in %s at %d", len(n.opened), c.Function, c.Index)
	}
	r := n.opened[0]
	if r.Function != c.Function || r.Service != "checkout" || r.Metric != Metric || r.ID == "" {
		t.Errorf("regression %+v, want %s of checkout", r, c.Function)
	}
	if d := r.ChangeTime.Sub(c.Time); d < -time.Hour || d > time.Hour {
		t.Errorf("change at %s, planted at %s", r.ChangeTime, c.Time)
	}
	ser := n.series[0]
	if ser.Labels["function"] != c.Function || len(ser.Values) != 151 || !strings.Contains(r.SeriesKey, c.Function) {
		t.Errorf("charted series %v with %d points, key %s", ser.Labels, len(ser.Values), r.SeriesKey)
	}
	// a replica whose timer fired late runs no tick a second time
	s2 := New([]Job{job}, src, st, st.FunctionSeries(), &n, Options{Owner: "r2"})
	rep, err := s2.Tick(context.Background(), job, start.Add(time.Duration(len(ps)-1)*10*time.Minute))
	if err != nil || rep.Ran {
		t.Errorf("second replica on a taken tick: ran %v, %v", rep.Ran, err)
	}
	stored, err := st.ListRegressions(context.Background(), store.ListOptions{})
	if err != nil || len(stored) != 1 {
		t.Errorf("stored %d regressions (%v), want 1", len(stored), err)
	}
}

func TestTickWithNoInstanceFails(t *testing.T) {
	ps, _ := funcsynth.Service(funcsynth.Config{Seed: 1, Points: 2}, &funcsynth.Case{Service: "s", Kind: funcsynth.KindNone}, 0)
	src := &profiles{ps: ps, down: map[string]bool{"http://a": true}}
	st := openStore(t)
	job := Job{Name: "s", Service: "s", Endpoints: []string{"http://a"}, Spec: "@every 1m", Lookback: time.Hour}
	s := New(nil, src, st, st.FunctionSeries(), &notifier{}, Options{})
	if _, err := s.Tick(context.Background(), job, time.Unix(1_800_000_000, 0)); err == nil || !strings.Contains(err.Error(), "no instance answered") {
		t.Errorf("tick with every instance down: %v", err)
	}
	if data, _, _ := st.FunctionSeries().LoadSeries(context.Background(), "s"); data != nil {
		t.Error("a failed capture stored a series")
	}
}

func TestTicksMergeInstances(t *testing.T) {
	ps, _ := funcsynth.Service(funcsynth.Config{Seed: 1, Points: 2}, &funcsynth.Case{Service: "s", Kind: funcsynth.KindNone}, 0)
	src := &profiles{ps: ps}
	st := openStore(t)
	job := Job{Name: "s", Service: "s", Endpoints: []string{"http://a", "http://b", "http://c"}, Spec: "@every 1m", Lookback: time.Hour}
	s := New(nil, src, st, st.FunctionSeries(), &notifier{}, Options{})
	if _, err := s.Tick(context.Background(), job, time.Unix(1_800_000_000, 0)); err != nil {
		t.Fatal(err)
	}
	data, v, err := st.FunctionSeries().LoadSeries(context.Background(), "s")
	if err != nil || v != 1 {
		t.Fatalf("load: version %d, %v", v, err)
	}
	set, err := funcseries.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	one, err := funcseries.FromProfile(ps[0], time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 1 || set.Totals[0] != 3*one.Total {
		t.Errorf("series %d points, total %v; want one point of 3×%d samples", set.Len(), set.Totals, one.Total)
	}
}

func TestJobSourceReplacesTheProfiler(t *testing.T) {
	ps, _ := funcsynth.Service(funcsynth.Config{Seed: 1, Points: 2}, &funcsynth.Case{Service: "s", Kind: funcsynth.KindNone}, 0)
	down := &profiles{ps: ps, down: map[string]bool{`{service_name="s"}`: true}}
	pyro := &profiles{ps: ps}
	st := openStore(t)
	job := Job{Name: "s", Service: "s", Endpoints: []string{`{service_name="s"}`}, Source: pyro, Spec: "@every 1m", Lookback: time.Hour}
	s := New(nil, down, st, st.FunctionSeries(), &notifier{}, Options{})
	rep, err := s.Tick(context.Background(), job, time.Unix(1_800_000_000, 0))
	if err != nil || rep.Captured != 1 {
		t.Errorf("tick with the job's own source: captured %d, %v", rep.Captured, err)
	}
}

func TestAStepThatWentAwayIsResolved(t *testing.T) {
	c := funcsynth.Case{Service: "checkout", Kind: funcsynth.KindStep, ServicePct: 5}
	ps, _ := funcsynth.Service(funcsynth.Config{Seed: 5, Points: 400}, &c, 0)
	// the step holds for 40 points, then the old build is back: the
	// profiles of a day before (the same hours, the same traffic)
	back := c.Index + 40 - 144
	seq := append(append([]*profile.Profile(nil), ps[:c.Index+40]...), ps[back:back+60]...)
	src := &profiles{ps: seq}
	st := openStore(t)
	n := notifier{st: st}
	job := Job{Name: "checkout-functions", Service: "checkout", Endpoints: []string{"http://a"},
		Spec: "@every 10m", Lookback: 1000 * 10 * time.Minute, MinPoints: c.Index + 30}
	s := New(nil, src, st, st.FunctionSeries(), &n, Options{})
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for i := range seq {
		src.at = i
		if _, err := s.Tick(context.Background(), job, start.Add(time.Duration(i)*10*time.Minute)); err != nil {
			t.Fatalf("tick %d: %v", i, err)
		}
	}
	if len(n.opened) != 1 || n.opened[0].Function != c.Function {
		for _, r := range n.opened {
			t.Logf("alert %s: %s at %s", r.ID, r.Function, r.ChangeTime)
		}
		t.Fatalf("%d alerts, want one of %s at %s", len(n.opened), c.Function, c.Time)
	}
	if len(n.wentAway) != 1 || n.wentAway[0].ID != n.opened[0].ID {
		t.Fatalf("went away %+v, want %s", n.wentAway, n.opened[0].ID)
	}
	r, err := st.GetRegression(context.Background(), n.opened[0].ID)
	if err != nil || r.Status != store.RegressionResolved || !r.WentAway {
		t.Errorf("stored %+v, %v; want resolved, went away", r, err)
	}
}
