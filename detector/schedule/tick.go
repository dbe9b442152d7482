package schedule

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/store"
)

// Report says what one tick did.
type Report struct {
	// Ran is false when another replica held the tick's lease.
	Ran bool
	// Series is how many series the query returned, in all its shards,
	// Points how many points they held, Shards how many parts the
	// source handed them over in (1 for a plain Source).
	Series, Points, Shards int
	// Detecting is the time spent in the detector.
	Detecting time.Duration
	// Queued is how many shards went to the queue, for the replicas to
	// detect (Options.Queue); Skipped is true when none did because the
	// job's previous sharded tick is not done.
	Queued  int
	Skipped bool
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
// record. What it did goes into rep. A source that answers in shards
// (ShardSource) is detected and recorded shard by shard, so a tick holds
// one shard's series at a time.
func (s *Scheduler) scan(ctx context.Context, job Job, nominal time.Time, rep *Report) error {
	start := nominal.Add(-job.Lookback)
	detect := func(r prom.Result) error { return s.detect(ctx, job, r.Series, r.Warnings, rep) }
	var err error
	pl, planned := s.src.(Planner)
	sh, sharded := s.src.(ShardSource)
	switch {
	case planned && s.queue != nil:
		err = s.scanSharded(ctx, pl, job, start, nominal, rep)
	case sharded:
		err = sh.QueryShards(ctx, job.Query, start, nominal, job.Step, detect)
	default:
		var series []detector.Series
		if series, err = s.src.Query(ctx, job.Query, start, nominal, job.Step); err == nil {
			err = s.detect(ctx, job, series, nil, rep)
		}
	}
	if err != nil {
		return fmt.Errorf("query metrics: %w", err)
	}
	switch {
	case rep.Skipped:
		s.log.Warn("detection tick skipped: the previous tick's shards are not all done", "job", job.Name, "tick", nominal)
		return nil
	case rep.Queued > 0:
		s.log.Info("detection tick queued", "job", job.Name, "tick", nominal, "shards", rep.Queued)
		return nil
	case rep.Series == 0:
		s.log.Warn("detection tick matched no series", "job", job.Name, "tick", nominal, "query", job.Query,
			"start", start, "end", nominal)
		return nil
	}
	s.log.Info("detection tick", "job", job.Name, "tick", nominal, "series", rep.Series, "shards", rep.Shards,
		"opened", len(rep.Opened), "went_away", len(rep.WentAway))
	return nil
}

// ShardSource is a Source that can hand over a query's series in shards,
// each shard's series complete with the server's warnings about them, one
// call of each at a time; an error from each stops the query and is
// returned.
type ShardSource interface {
	QueryShards(ctx context.Context, query string, start, end time.Time, step time.Duration,
		each func(prom.Result) error) error
}

// candidate is a change that may be a regression to record, and its series.
type candidate struct {
	ser *detector.Series
	c   detector.Change
}

// detect finds the changes in series and records each regression, or
// each bad change that went away, against the stored regressions with
// their fingerprints. warnings are the source's about these series (a
// partial response); a new regression keeps them, for its alert.
func (s *Scheduler) detect(ctx context.Context, job Job, series []detector.Series, warnings []string, rep *Report) error {
	rep.Series += len(series)
	rep.Shards++
	began := s.now()
	d := detector.New(s.detector)
	var cands []candidate
	for i := range series {
		rep.Points += len(series[i].Values)
		changes, err := d.DetectContext(ctx, series[i].Values, series[i].Times)
		if err != nil { // shutting down: a queued shard is tried again elsewhere
			return fmt.Errorf("detect: %w", err)
		}
		for _, c := range job.Policy.Apply(changes) {
			if job.Policy.IsRegression(c) || c.WentAway && isBad(job.Policy, c) {
				cands = append(cands, candidate{&series[i], c})
			}
		}
	}
	rep.Detecting += s.now().Sub(began)
	if len(cands) == 0 {
		return nil
	}
	known, err := s.knownRegressions(ctx, cands)
	if err != nil {
		return err
	}
	for _, cd := range cands {
		if err := s.record(ctx, job, *cd.ser, cd.c, warnings, known, rep); err != nil {
			return err
		}
	}
	return nil
}

// isBad reports whether c moved in the policy's bad direction.
func isBad(p detector.Policy, c detector.Change) bool {
	if p.LowerIsWorse {
		return c.Direction == detector.Down
	}
	return c.Direction == detector.Up
}

// knownRegressions looks up, by fingerprint, the stored regressions the
// candidates may be (their own window's fingerprint and the
// neighbouring one's), indexed by fingerprint: one store lookup whose
// cost grows with the changes found, not with the regressions stored.
func (s *Scheduler) knownRegressions(ctx context.Context, cands []candidate) (map[string]*store.Regression, error) {
	fps := make([]string, 0, 2*len(cands))
	for _, cd := range cands {
		key := cd.ser.Key()
		fps = append(fps, detector.Fingerprint(key, cd.c), detector.NeighbourFingerprint(key, cd.c))
	}
	found, err := s.st.ListRegressions(ctx, store.ListOptions{Fingerprints: fps})
	if err != nil {
		return nil, fmt.Errorf("look up regressions: %w", err)
	}
	known := make(map[string]*store.Regression, len(found))
	for i := range found {
		known[found[i].Fingerprint] = &found[i]
	}
	return known, nil
}

// record stores a regression change, or resolves the stored one when the
// change went away.
func (s *Scheduler) record(ctx context.Context, job Job, ser detector.Series, c detector.Change, warnings []string, known map[string]*store.Regression, rep *Report) error {
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
		r, resolved, err := store.ResolveWentAway(ctx, s.st, existing.ID, s.now())
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
	r.DataWarnings = kept(warnings)
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

// Bounds of the warnings a regression keeps: a partial response's
// warnings name the failed stores, and a few of them say enough.
const (
	keptWarnings    = 3
	keptWarningSize = 300
)

// kept returns the first keptWarnings of ws, each cut to keptWarningSize
// bytes (at a rune boundary).
func kept(ws []string) []string {
	if len(ws) == 0 {
		return nil
	}
	out := make([]string, 0, min(len(ws), keptWarnings))
	for _, w := range ws[:min(len(ws), keptWarnings)] {
		if len(w) > keptWarningSize {
			cut := keptWarningSize
			for cut > 0 && !utf8.RuneStart(w[cut]) {
				cut--
			}
			w = w[:cut] + "…"
		}
		out = append(out, w)
	}
	return out
}
