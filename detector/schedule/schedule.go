// Package schedule runs detection jobs on cron schedules: each tick queries a
// metric source over the job's lookback window, runs the detector with the
// job's policy, stores every new regression and hands it to a Notifier (the
// bot), and resolves regressions whose change went away.
//
// A tick runs once across replicas: before doing anything a replica takes
// the store lease "detect/<job>/<nominal tick time>", and only the winner
// scans. The nominal tick time is the schedule's own firing time, not the
// replica's clock reading, so replicas whose timers fire a little apart
// still agree on the key.
//
// A regression is identified by the detector's Fingerprint of its change
// (series + direction + change-time window); a change whose fingerprint, or
// its neighbouring window's, is already stored is an ongoing regression and
// is never alerted again. Only a stored regression whose alert was never
// posted (no thread) is handed to the Notifier again, which posts it once.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/store"
)

// Job is one detection job.
type Job struct {
	// Name identifies the job in lease keys and logs; unique per config.
	Name string
	// Query is the metric query (PromQL for Prometheus).
	Query string
	// Spec is the robfig/cron schedule (standard five fields or @every).
	Spec string
	// Location is the time zone of Spec; nil means UTC.
	Location *time.Location
	// Step and Lookback define the query range ending at the tick.
	Step, Lookback time.Duration
	// Service owns the series; empty means the series' "service" label.
	Service string
	// Channel is the owning team's chat channel; empty lets the bot route.
	Channel string
	// Policy decides which changes are regressions.
	Policy detector.Policy
}

// Source returns the series a query yields over a time range.
type Source interface {
	Query(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]detector.Series, error)
}

// Store is what the scheduler persists: tick leases and regressions.
type Store interface {
	store.Leases
	store.Regressions
}

// Notifier is told about regressions as their state changes; the bot
// implements it by posting or resolving the alert.
type Notifier interface {
	// RegressionOpened is called for each newly stored regression, with
	// the series it was found in (for a chart), and again on later ticks
	// while the regression is open and has no alert thread yet (the last
	// post failed). It must not post twice for one regression.
	RegressionOpened(ctx context.Context, r store.Regression, s detector.Series) error
	// RegressionWentAway is called when a stored, still open regression's
	// change went away; r is already stored as resolved.
	RegressionWentAway(ctx context.Context, r store.Regression) error
}

// Scheduler runs Jobs. Build it with New and start it with Run.
type Scheduler struct {
	jobs     []Job
	src      Source
	st       Store
	notify   Notifier
	owner    string
	log      *slog.Logger
	now      func() time.Time
	detector detector.Options
}

// Options configure New.
type Options struct {
	// Owner names this replica in leases (host name, pod name).
	Owner string
	// Logger receives a line per tick; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Detector tunes the detector; the zero value is the default.
	Detector detector.Options
}

// leaseTTL is how long a tick's lease is kept: far longer than any skew
// between replicas' timers, so a late replica still finds it taken.
const leaseTTL = time.Hour

// New returns a Scheduler for jobs. It does no I/O.
func New(jobs []Job, src Source, st Store, n Notifier, opts Options) *Scheduler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Scheduler{jobs: jobs, src: src, st: st, notify: n, owner: opts.Owner,
		log: opts.Logger, now: opts.Now, detector: opts.Detector}
}

// Run schedules every job and blocks until ctx ends; then it waits for
// running ticks to finish.
func (s *Scheduler) Run(ctx context.Context) error {
	// A tick still running (a slow source, a chat rate limit) makes the
	// next one of the same job skip rather than overlap: overlapping scans
	// of one job would race to post the same alerts out of order.
	c := cron.New(cron.WithLocation(time.UTC), cron.WithChain(cron.SkipIfStillRunning(cronLog{s.log})))
	for _, j := range s.jobs {
		sched, err := parseSpec(j)
		if err != nil {
			return err
		}
		c.Schedule(sched, cron.FuncJob(func() {
			nominal := NominalTick(sched, s.now())
			if _, err := s.Tick(ctx, j, nominal); err != nil && !errors.Is(err, context.Canceled) {
				s.log.Error("detection tick failed", "job", j.Name, "tick", nominal, "err", err)
			}
		}))
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// parseSpec parses a job's cron spec in its time zone.
func parseSpec(j Job) (cron.Schedule, error) {
	spec := j.Spec
	if j.Location != nil {
		spec = "CRON_TZ=" + j.Location.String() + " " + spec
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("job %s: parse schedule %q: %w", j.Name, j.Spec, err)
	}
	return sched, nil
}

// NominalTick returns the scheduled time of the tick firing at now: the
// latest time the schedule fires at or just before now. For @every
// schedules, which fire relative to each process's start, it is now
// truncated to the interval, so replicas still agree.
func NominalTick(sched cron.Schedule, now time.Time) time.Time {
	if every, ok := sched.(cron.ConstantDelaySchedule); ok {
		return now.Truncate(every.Delay)
	}
	// Cron fires at whole seconds, at most a little late; look back one
	// minute for the firing time.
	t := sched.Next(now.Add(-time.Minute))
	for {
		next := sched.Next(t)
		if next.After(now.Add(time.Second)) {
			return t
		}
		t = next
	}
}

// cronLog sends robfig/cron's own log lines (a skipped tick) to slog.
type cronLog struct{ log *slog.Logger }

// Info logs a cron event at debug level.
func (l cronLog) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

// Error logs a cron failure.
func (l cronLog) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
