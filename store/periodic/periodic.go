// Package periodic runs work on cron schedules once per nominal tick across
// replicas: the detection scans, the opportunity scan, the daily digest.
//
// Every replica runs the same schedules, and when a schedule fires each one
// tries to take the store lease Prefix + "<job>/<tick>" (Options.Prefix,
// e.g. "detect/checkout-cpu/2026-11-25T12:15:00Z"); only the replica that
// wins runs the tick's work. The invariant that makes this work is that the
// tick in the key is the schedule's nominal firing time (NominalTick), not
// the replica's clock reading: replicas whose timers fire a little apart, or
// a little late, still compute the same key, and so race for one lease. The
// lease is kept far longer (Options.TTL, an hour by default) than any skew
// between replicas' timers, so a late replica still finds it taken.
//
// An "@every D" schedule fires relative to each process's start, so its
// nominal tick is the clock reading truncated to D: replicas started at
// different times still agree on it. Cron schedules are read in the job's
// time zone, UTC unless given.
//
// A tick still running when its job's next tick fires (a slow source, a
// chat rate limit) makes that next tick skip rather than overlap: two
// overlapping runs of one job would race each other, for example to post
// the same alerts out of order. Ticks of different jobs run concurrently.
package periodic

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/wattson-dev/wattson/store"
)

// Job is work run on a schedule.
type Job struct {
	// Name identifies the work in lease keys and logs; unique per Runner.
	Name string
	// Spec is the robfig/cron schedule: standard five fields, a
	// descriptor such as @daily, or @every D.
	Spec string
	// Location is the time zone of Spec; nil means UTC.
	Location *time.Location
	// Do runs one tick; tick is the schedule's nominal firing time, the
	// same on every replica.
	Do func(ctx context.Context, tick time.Time) error
}

// Leases is the lease half of a store; store.Store satisfies it.
type Leases interface {
	// AcquireLease takes the lease key for owner for ttl and reports
	// whether owner now holds it.
	AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error)
}

var _ Leases = store.Store(nil)

// Options configure New.
type Options struct {
	// Owner names this replica in leases (host name, pod name). It must
	// differ between replicas: a lease is granted again to its owner, so
	// replicas sharing an Owner would all run every tick.
	Owner string
	// Prefix starts every lease key, e.g. "periodic/" or "detect/"; a
	// tick's key is Prefix + Name + "/" + tick in UTC as RFC 3339.
	Prefix string
	// TTL is how long a tick's lease is kept; 0 means DefaultTTL.
	TTL time.Duration
	// Logger receives a line per tick run here and per failure; nil
	// discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultTTL is the lease TTL when Options.TTL is 0: far longer than any
// skew between replicas' timers.
const DefaultTTL = time.Hour

// Runner runs Jobs once per nominal tick across the replicas sharing its
// Leases. Build it with New.
type Runner struct {
	leases Leases
	owner  string
	prefix string
	ttl    time.Duration
	log    *slog.Logger
	now    func() time.Time
}

// New returns a Runner taking its leases from l. It does no I/O.
func New(l Leases, o Options) *Runner {
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Runner{leases: l, owner: o.Owner, prefix: o.Prefix, ttl: o.TTL, log: o.Logger, now: o.Now}
}

// Run schedules every job and blocks until ctx ends; then it waits for
// running ticks to finish, and returns nil. A job whose Spec does not parse
// (or that has no Do) makes Run return an error before anything starts.
// Each firing runs RunTick for the nominal tick; its errors are logged,
// except those of a cancelled ctx.
func (r *Runner) Run(ctx context.Context, jobs []Job) error {
	scheds := make([]cron.Schedule, len(jobs))
	for i, j := range jobs {
		sched, err := Parse(j.Spec, j.Location)
		if err != nil {
			return fmt.Errorf("job %s: %w", j.Name, err)
		}
		if j.Do == nil {
			return fmt.Errorf("job %s: no Do func", j.Name)
		}
		scheds[i] = sched
	}
	c := cron.New(cron.WithLocation(time.UTC))
	for i, j := range jobs {
		sched := scheds[i]
		run := cron.FuncJob(func() {
			tick := NominalTick(sched, r.now().UTC())
			if _, err := r.RunTick(ctx, j, tick); err != nil && !errors.Is(err, context.Canceled) {
				r.log.ErrorContext(ctx, "periodic tick failed", "job", j.Name, "tick", tick.UTC().Format(time.RFC3339), "err", err)
			}
		})
		// Wrapped per job, so the skip is per job and its log names it.
		c.Schedule(sched, cron.SkipIfStillRunning(cronLog{r.log.With("job", j.Name)})(run))
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// RunTick runs j for the nominal tick unless another replica already has:
// it takes the tick's lease, and runs j.Do only if it won. It reports
// whether this call ran j.Do, and returns j.Do's error as is. The lease is
// granted again to its owner, so a second call for one tick on the same
// Runner runs j.Do again.
func (r *Runner) RunTick(ctx context.Context, j Job, tick time.Time) (ran bool, err error) {
	key := r.LeaseKey(j.Name, tick)
	ok, err := r.leases.AcquireLease(ctx, key, r.owner, r.ttl)
	if err != nil {
		return false, fmt.Errorf("take tick lease %s: %w", key, err)
	}
	if !ok {
		return false, nil
	}
	r.log.InfoContext(ctx, "periodic tick", "job", j.Name, "tick", tick.UTC().Format(time.RFC3339))
	return true, j.Do(ctx, tick)
}

// LeaseKey is the lease a replica must hold to run job name's tick.
func (r *Runner) LeaseKey(name string, tick time.Time) string {
	return r.prefix + name + "/" + tick.UTC().Format(time.RFC3339)
}

// Parse parses a robfig/cron spec (standard five fields, a descriptor, or
// @every D) in time zone loc; nil means UTC. A spec with its own CRON_TZ=
// or TZ= prefix keeps that zone when loc is nil.
func Parse(spec string, loc *time.Location) (cron.Schedule, error) {
	full := spec
	switch {
	case loc != nil:
		full = "CRON_TZ=" + loc.String() + " " + spec
	case !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ="):
		// Without a zone robfig/cron reads the spec in each time's own
		// zone; pin it so every replica, whatever its TZ, agrees.
		full = "CRON_TZ=UTC " + spec
	}
	sched, err := cron.ParseStandard(full)
	if err != nil {
		return nil, fmt.Errorf("parse schedule %q: %w", spec, err)
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
		if next.IsZero() || next.After(now.Add(time.Second)) { // zero: never fires again
			return t
		}
		t = next
	}
}

// cronLog sends robfig/cron's log lines to slog: a tick skipped because the
// job's previous tick is still running is a warning, anything else debug.
type cronLog struct{ log *slog.Logger }

// Info logs a cron event.
func (l cronLog) Info(msg string, kv ...any) {
	if msg == "skip" {
		l.log.Warn("periodic tick skipped: previous tick still running", kv...)
		return
	}
	l.log.Debug("cron event", append([]any{"event", msg}, kv...)...)
}

// Error logs a cron failure.
func (l cronLog) Error(err error, msg string, kv ...any) {
	l.log.Error("cron error", append([]any{"event", msg, "err", err}, kv...)...)
}
