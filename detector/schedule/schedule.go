// Package schedule runs detection jobs on cron schedules: each tick queries a
// metric source over the job's lookback window, runs the detector with the
// job's policy, stores every new regression and hands it to a Notifier (the
// bot), and resolves regressions whose change went away.
//
// A tick runs once across replicas, through store/periodic: before doing
// anything a replica takes the store lease "detect/<job>/<nominal tick
// time>", and only the winner scans. The nominal tick time is the
// schedule's own firing time, not the replica's clock reading, so replicas
// whose timers fire a little apart still agree on the key. A tick still
// running when its job's next tick fires makes that one skip.
//
// A regression is identified by the detector's Fingerprint of its change
// (series + direction + change-time window); a change whose fingerprint, or
// its neighbouring window's, is already stored is an ongoing regression and
// is never alerted again. The stored regressions are looked up by those
// fingerprints (store.ListOptions.Fingerprints), never all listed, so a
// tick's cost does not grow with the history. Only a stored regression
// whose alert was never posted (no thread) is handed to the Notifier
// again, which posts it once.
//
// A Source that is also a ShardSource (prom.Source, whose wide queries
// are sent in series shards) hands its series over shard by shard; each
// shard is detected and recorded before the next is read, so a tick holds
// one shard's series, however large the fleet.
//
// With a queue (Options.Queue), a tick's shards are detected across
// replicas; see shards.go.
//
// A tick that fails, or whose query matched no series, is logged as a
// warning or error and counted (Metrics: ticks by result); Ready fails
// while a job's last few ticks on this replica all failed, so /readyz
// can say that a job is broken.
package schedule

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/periodic"
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

// Store is what the scheduler persists: tick leases, regressions, and
// the tallies of sharded ticks.
type Store interface {
	store.Leases
	store.Regressions
	store.Tallies
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
	runner   *periodic.Runner
	log      *slog.Logger
	now      func() time.Time
	detector detector.Options
	metrics  *Metrics
	health   health
	unready  int
	queue    Queue
	// shardAttempts and shardTTL: see Options.
	shardAttempts int
	shardTTL      time.Duration
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
	// Metrics, when set, counts ticks (see NewMetrics).
	Metrics *Metrics
	// UnreadyAfter is how many failed ticks in a row of one job make
	// Ready fail; zero means 3.
	UnreadyAfter int
	// Queue, when set with a source that is a Planner, spreads a tick's
	// series shards over the replicas: they are queued as ShardJob jobs,
	// for every replica's worker to run with RunShard.
	Queue Queue
	// ShardAttempts is how many deliveries the worker gives a shard job
	// (worker.MaxRetries); on the last a failing shard counts as done.
	// Zero means 1.
	ShardAttempts int
	// ShardTTL bounds how long an unfinished sharded tick holds its
	// job's later ticks back; zero means 30 minutes.
	ShardTTL time.Duration
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
	runner := periodic.New(st, periodic.Options{Owner: opts.Owner, Prefix: "detect/", TTL: leaseTTL,
		Logger: opts.Logger, Now: opts.Now})
	return &Scheduler{jobs: jobs, src: src, st: st, notify: n, runner: runner,
		log: opts.Logger, now: opts.Now, detector: opts.Detector, metrics: opts.Metrics,
		unready: cmp.Or(opts.UnreadyAfter, 3), queue: opts.Queue,
		shardAttempts: max(1, opts.ShardAttempts), shardTTL: cmp.Or(opts.ShardTTL, defaultShardTTL)}
}

// Ready fails, naming them, while a job's last UnreadyAfter ticks run by
// this replica all failed; a later tick that succeeds clears it.
func (s *Scheduler) Ready() error {
	return s.health.unready(s.unready)
}

// Run schedules every job and blocks until ctx ends; then it waits for
// running ticks to finish. A job whose schedule does not parse makes it
// return an error before any job starts. Failed ticks are logged.
func (s *Scheduler) Run(ctx context.Context) error {
	jobs := make([]periodic.Job, len(s.jobs))
	for i, j := range s.jobs {
		jobs[i] = s.periodicJob(j, nil)
	}
	return s.runner.Run(ctx, jobs)
}

// periodicJob is job as periodic work: a tick scans, reporting into rep,
// or into a report of its own when rep is nil.
func (s *Scheduler) periodicJob(job Job, rep *Report) periodic.Job {
	return periodic.Job{Name: job.Name, Spec: job.Spec, Location: job.Location,
		Do: func(ctx context.Context, nominal time.Time) error {
			r := rep
			if r == nil {
				r = new(Report)
			}
			began := s.now()
			err := s.scan(ctx, job, nominal, r)
			s.observe(job.Name, r, s.now().Sub(began), err)
			return err
		}}
}
