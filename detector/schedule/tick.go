package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/store"
)

// Report says what one tick did.
type Report struct {
	// Ran is false when another replica held the tick's lease.
	Ran bool
	// Series is how many series the query returned.
	Series int
	// Opened and WentAway list the regressions stored as new, and those
	// resolved because their change went away.
	Opened, WentAway []store.Regression
}

// Tick runs job once for the nominal tick time, unless another replica
// already has (then the report's Ran is false). Notifier errors are logged,
// not returned: the regression is stored, and the bot can post it later.
func (s *Scheduler) Tick(ctx context.Context, job Job, nominal time.Time) (Report, error) {
	var rep Report
	ran, err := s.runner.RunTick(ctx, s.periodicJob(job, &rep), nominal)
	rep.Ran = ran
	if err != nil {
		return rep, fmt.Errorf("job %s: %w", job.Name, err)
	}
	return rep, nil
}

// scan runs one tick of job for nominal, under its lease: query, detect,
// record. What it did goes into rep.
func (s *Scheduler) scan(ctx context.Context, job Job, nominal time.Time, rep *Report) error {
	series, err := s.src.Query(ctx, job.Query, nominal.Add(-job.Lookback), nominal, job.Step)
	if err != nil {
		return fmt.Errorf("query metrics: %w", err)
	}
	rep.Series = len(series)
	known, err := s.knownRegressions(ctx)
	if err != nil {
		return err
	}
	d := detector.New(s.detector)
	for _, ser := range series {
		changes := job.Policy.Apply(d.Detect(ser.Values, ser.Times))
		for _, c := range changes {
			if !job.Policy.IsRegression(c) && !(c.WentAway && isBad(job.Policy, c)) {
				continue
			}
			if err := s.record(ctx, job, ser, c, known, rep); err != nil {
				return err
			}
		}
	}
	s.log.Info("detection tick", "job", job.Name, "tick", nominal, "series", rep.Series,
		"opened", len(rep.Opened), "went_away", len(rep.WentAway))
	return nil
}

// isBad reports whether c moved in the policy's bad direction.
func isBad(p detector.Policy, c detector.Change) bool {
	if p.LowerIsWorse {
		return c.Direction == detector.Down
	}
	return c.Direction == detector.Up
}

// knownRegressions indexes every stored regression by fingerprint.
func (s *Scheduler) knownRegressions(ctx context.Context) (map[string]*store.Regression, error) {
	all, err := s.st.ListRegressions(ctx, store.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list regressions: %w", err)
	}
	known := make(map[string]*store.Regression, len(all))
	for i := range all {
		known[all[i].Fingerprint] = &all[i]
	}
	return known, nil
}

// record stores a regression change, or resolves the stored one when the
// change went away.
func (s *Scheduler) record(ctx context.Context, job Job, ser detector.Series, c detector.Change, known map[string]*store.Regression, rep *Report) error {
	key := ser.Key()
	fp := detector.Fingerprint(key, c)
	existing := known[fp]
	if existing == nil {
		existing = known[detector.NeighbourFingerprint(key, c)]
	}
	switch {
	case existing != nil && c.WentAway:
		if existing.Status == store.RegressionResolved || existing.Status == store.RegressionDismissed {
			return nil
		}
		resolved := false
		r, err := store.ChangeRegression(ctx, s.st, existing.ID, func(r *store.Regression) error {
			if r.Status == store.RegressionResolved || r.Status == store.RegressionDismissed {
				return store.ErrNoChange // decided meanwhile
			}
			r.Status, r.WentAway, r.ResolvedAt = store.RegressionResolved, true, s.now().UTC()
			resolved = true
			return nil
		})
		if err != nil {
			return fmt.Errorf("resolve %s: %w", existing.ID, err)
		}
		if !resolved {
			return nil
		}
		*existing = *r
		rep.WentAway = append(rep.WentAway, *existing)
		if err := s.notify.RegressionWentAway(ctx, *existing); err != nil {
			s.log.Error("notify went away", "regression", existing.ID, "err", err)
		}
		return nil
	case existing != nil && existing.Status == store.RegressionOpen && existing.Thread.MessageID == "":
		if err := s.notify.RegressionOpened(ctx, *existing, ser); err != nil {
			s.log.Error("notify new regression again", "regression", existing.ID, "err", err)
		}
		return nil
	case existing != nil, c.WentAway:
		return nil // ongoing, or came and went before anyone was told
	}
	r := s.regression(job, ser, c, fp)
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
		s.log.Error("notify new regression", "regression", r.ID, "err", err)
	}
	return nil
}

// regression builds the record of a new regression.
func (s *Scheduler) regression(job Job, ser detector.Series, c detector.Change, fp string) store.Regression {
	metric := ser.Labels["__name__"]
	if metric == "" {
		metric = job.Name
	}
	labels := make(map[string]string, len(ser.Labels))
	for k, v := range ser.Labels {
		if k != "__name__" {
			labels[k] = v
		}
	}
	service := job.Service
	if service == "" {
		service = labels["service"]
	}
	return store.Regression{
		Fingerprint: fp,
		Job:         job.Name,
		Service:     service,
		Metric:      metric,
		Labels:      labels,
		SeriesKey:   store.SeriesKey(metric, labels),
		ChangeTime:  c.Time.UTC(),
		DetectedAt:  s.now().UTC(),
		Before:      c.Before,
		After:       c.After,
		Pct:         c.Pct,
		Confidence:  c.Confidence,
		Direction:   store.Direction(c.Direction.String()),
		Status:      store.RegressionOpen,
		Channel:     job.Channel,
	}
}
