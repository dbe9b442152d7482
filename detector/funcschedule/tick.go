package funcschedule

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/pprof/profile"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/funcdetect"
	"github.com/wattson-dev/wattson/detector/funcseries"
	"github.com/wattson-dev/wattson/store"
)

// Metric is the metric name of function-level regressions: a function's
// self CPU as a share of the service's profile.
const Metric = "function_cpu_share"

// Report says what one tick did.
type Report struct {
	// Ran is false when another replica held the tick's lease.
	Ran bool
	// Captured is how many instances answered with a profile; Points how
	// many points the series holds after the tick.
	Captured, Points int
	// Opened lists the regressions stored as new; WentAway those resolved
	// because their step went away.
	Opened, WentAway []store.Regression
}

// tick captures, appends, detects and records, for nominal.
func (s *Scheduler) tick(ctx context.Context, job Job, nominal time.Time, rep *Report) error {
	snap, err := s.capture(ctx, job, nominal, rep)
	if err != nil {
		return err
	}
	data, version, err := s.series.LoadSeries(ctx, job.Service)
	if err != nil {
		return err
	}
	set, err := funcseries.Decode(data)
	if err != nil {
		return fmt.Errorf("series of %s: %w", job.Service, err)
	}
	if err := set.Append(snap); err != nil {
		return err
	}
	set.Trim(nominal.Add(-job.Lookback))
	if data, err = set.Encode(); err != nil {
		return err
	}
	if _, err := s.series.SaveSeries(ctx, job.Service, data, version); err != nil {
		return err
	}
	rep.Points = set.Len()
	minPoints := job.MinPoints
	if minPoints <= 0 {
		minPoints = 12
	}
	if set.Len() >= minPoints {
		if err := s.detect(ctx, job, set, rep); err != nil {
			return err
		}
	}
	s.o.Logger.Info("function detection tick", "job", job.Name, "tick", nominal, "captured", rep.Captured,
		"points", rep.Points, "opened", len(rep.Opened))
	return nil
}

// capture fetches a profile from every endpoint at once and sums them
// into the snapshot of nominal; instances that fail are logged and left
// out, and the tick fails only when none answered.
func (s *Scheduler) capture(ctx context.Context, job Job, nominal time.Time, rep *Report) (funcseries.Snapshot, error) {
	d := max(job.Profile, time.Second)
	snaps := make([]funcseries.Snapshot, len(job.Endpoints))
	profs := make([]*profile.Profile, len(job.Endpoints))
	errs := make([]error, len(job.Endpoints))
	src := s.prof
	if job.Source != nil {
		src = job.Source
	}
	var wg sync.WaitGroup
	for i, url := range job.Endpoints {
		wg.Go(func() {
			profs[i], errs[i] = src.Fetch(ctx, url, d)
			if errs[i] == nil {
				snaps[i], errs[i] = funcseries.FromProfile(profs[i], nominal)
			}
		})
	}
	wg.Wait()
	var got []funcseries.Snapshot
	var kept []*profile.Profile
	for i, err := range errs {
		if err != nil {
			s.o.Logger.Warn("profile not captured", "job", job.Name, "endpoint", job.Endpoints[i], "err", err)
			continue
		}
		got = append(got, snaps[i])
		kept = append(kept, profs[i])
	}
	if s.o.Save != nil && len(kept) > 0 {
		s.save(job, nominal, kept)
	}
	rep.Captured = len(got)
	if len(got) == 0 {
		return funcseries.Snapshot{}, fmt.Errorf("capture profiles of %s: no instance answered: %w", job.Service, errors.Join(errs...))
	}
	snap := funcseries.Merge(got...)
	snap.Time = nominal.UTC()
	return snap, nil
}

// save keeps the tick's profiles, merged into one, in the profile
// directory; failures are only logged (detection does not need the file).
func (s *Scheduler) save(job Job, nominal time.Time, ps []*profile.Profile) {
	p, err := ps[0], error(nil)
	if len(ps) > 1 {
		p, err = profile.Merge(ps)
	}
	if err == nil {
		_, err = s.o.Save(job.Service, nominal, p)
	}
	if err != nil {
		s.o.Logger.Warn("profile not kept", "job", job.Name, "err", err)
	}
}

// detect runs function-level detection over set and records what it
// finds.
func (s *Scheduler) detect(ctx context.Context, job Job, set *funcseries.Set, rep *Report) error {
	opts := job.Detect
	opts.Requests = nil
	res, err := funcdetect.Detect(ctx, set, opts)
	if err != nil {
		return err
	}
	if len(res.Regressions) == 0 && !slices.ContainsFunc(res.Filtered, wentAway) {
		return nil
	}
	all, err := s.st.ListRegressions(ctx, store.ListOptions{})
	if err != nil {
		return fmt.Errorf("list regressions: %w", err)
	}
	known := make(map[string]*store.Regression, len(all))
	for i := range all {
		known[all[i].Fingerprint] = &all[i]
	}
	for _, c := range res.Regressions {
		if err := s.record(ctx, job, set, c, known, rep); err != nil {
			return err
		}
	}
	for _, c := range res.Filtered {
		if wentAway(c) {
			if err := s.resolve(ctx, job, c, known, rep); err != nil {
				return err
			}
		}
	}
	return nil
}

func wentAway(c funcdetect.Change) bool { return c.Filter == funcdetect.FilterWentAway }

// fingerprint is c's de-duplication key and its neighbouring window's,
// with c's series labels and key.
func fingerprint(job Job, c funcdetect.Change) (fp, neighbour, key string, labels map[string]string) {
	labels = map[string]string{"service": job.Service, "function": c.Function}
	key = store.SeriesKey(Metric, labels)
	dc := detector.Change{Index: c.Index, Time: c.Time, Direction: detector.Up}
	return detector.Fingerprint(key, dc), detector.NeighbourFingerprint(key, dc), key, labels
}

// resolve marks the stored open regression of c, a rise that went away,
// resolved, and tells the Notifier.
func (s *Scheduler) resolve(ctx context.Context, job Job, c funcdetect.Change, known map[string]*store.Regression, rep *Report) error {
	fp, nfp, _, _ := fingerprint(job, c)
	existing := known[fp]
	if existing == nil {
		existing = known[nfp]
	}
	if existing == nil || existing.Status == store.RegressionResolved || existing.Status == store.RegressionDismissed {
		return nil
	}
	r, resolved, err := store.ResolveWentAway(ctx, s.st, existing.ID, s.o.Now())
	if err != nil {
		return fmt.Errorf("resolve %s: %w", existing.ID, err)
	}
	if !resolved {
		return nil
	}
	*existing = *r
	rep.WentAway = append(rep.WentAway, *r)
	if err := s.notify.RegressionWentAway(ctx, *r); err != nil {
		s.o.Logger.Error("notify went away", "regression", r.ID, "err", err)
	}
	return nil
}

// record stores c unless it is known, and tells the Notifier of a new one
// (or of a known one whose alert never went out).
func (s *Scheduler) record(ctx context.Context, job Job, set *funcseries.Set, c funcdetect.Change, known map[string]*store.Regression, rep *Report) error {
	fp, nfp, key, labels := fingerprint(job, c)
	existing := known[fp]
	if existing == nil {
		existing = known[nfp]
	}
	ser := functionSeries(set, c.Function, labels)
	switch {
	case existing != nil && existing.Status == store.RegressionOpen && existing.Thread.MessageID == "":
		if err := s.notify.RegressionOpened(ctx, *existing, ser); err != nil {
			s.o.Logger.Error("notify new regression again", "regression", existing.ID, "err", err)
		}
		return nil
	case existing != nil:
		return nil // ongoing
	}
	r := store.Regression{
		Fingerprint: fp, Job: job.Name, Service: job.Service, Metric: Metric, Labels: labels,
		Function: c.Function, SeriesKey: key, ChangeTime: c.Time.UTC(), DetectedAt: s.o.Now().UTC(),
		Before: c.Before, After: c.After, Pct: c.Pct, ServicePct: c.ServicePct, Confidence: c.Confidence,
		Direction: store.DirectionUp, Status: store.RegressionOpen, Channel: job.Channel,
	}
	created, err := s.st.CreateRegressionIfNew(ctx, &r)
	if err != nil {
		return fmt.Errorf("store regression: %w", err)
	}
	known[fp] = &r
	if !created {
		return nil
	}
	rep.Opened = append(rep.Opened, r)
	if err := s.notify.RegressionOpened(ctx, r, ser); err != nil {
		s.o.Logger.Error("notify new regression", "regression", r.ID, "err", err)
	}
	return nil
}

// functionSeries is the function's self CPU as a share of the profile at
// each point: what the alert charts.
func functionSeries(set *funcseries.Set, function string, labels map[string]string) detector.Series {
	ser := detector.Series{Labels: map[string]string{"__name__": Metric}, Times: set.Times}
	for k, v := range labels {
		ser.Labels[k] = v
	}
	fi := set.Index(function)
	ser.Values = make([]float64, set.Len())
	for i := range ser.Values {
		if fi >= 0 && set.Totals[i] > 0 {
			ser.Values[i] = float64(set.Self[fi][i]) / float64(set.Totals[i])
		}
	}
	return ser
}
