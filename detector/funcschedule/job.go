package funcschedule

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/pprof/profile"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/funcdetect"
	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/periodic"
)

// Job is one service's function-level detection job.
type Job struct {
	// Name identifies the job in lease keys and logs; unique per config.
	Name string
	// Service names the service; its series is kept under this name.
	Service string
	// Endpoints are the base URLs of the service's instances (each serves
	// /debug/pprof/), or what Source takes instead (a Pyroscope label
	// selector).
	Endpoints []string
	// Source, when not nil, fetches this job's profiles instead of the
	// Scheduler's Profiler (a Pyroscope server).
	Source Profiler
	// Spec is the robfig/cron schedule (standard five fields or @every);
	// Location its time zone, nil meaning UTC.
	Spec     string
	Location *time.Location
	// Profile is how long each capture samples (at least a second).
	Profile time.Duration
	// Lookback bounds the series: older points are dropped.
	Lookback time.Duration
	// MinPoints is how many points the series needs before it is judged
	// (default 12).
	MinPoints int
	// Channel is the owning team's chat channel; empty lets the bot route.
	Channel string
	// Detect tunes function-level detection (its Requests are unused).
	Detect funcdetect.Options
}

// Profiler fetches a CPU profile from an instance's pprof endpoint;
// pprofdir.Capturer is one.
type Profiler interface {
	Fetch(ctx context.Context, baseURL string, d time.Duration) (*profile.Profile, error)
}

// Store is what a job persists besides the series: tick leases and
// regressions.
type Store interface {
	store.Leases
	store.Regressions
}

// Notifier is told about function-level regressions as their state
// changes; the bot implements it (it is the detection scheduler's
// Notifier too).
type Notifier interface {
	// RegressionOpened is called for each new regression, with the
	// function's series for the chart, and again on later ticks while it
	// is open and has no alert thread. It must not post twice for one
	// regression.
	RegressionOpened(ctx context.Context, r store.Regression, s detector.Series) error
	// RegressionWentAway is called when an open regression's step went
	// away; r is already stored as resolved.
	RegressionWentAway(ctx context.Context, r store.Regression) error
}

// Options configure New.
type Options struct {
	// Owner names this replica in leases.
	Owner string
	// Logger receives a line per tick; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Save, when not nil, keeps each tick's merged profile (for the
	// investigation's profile diff): pprofdir.Capturer.Save.
	Save func(service string, at time.Time, p *profile.Profile) (string, error)
}

// Scheduler runs Jobs. Build it with New and start it with Run.
type Scheduler struct {
	jobs   []Job
	prof   Profiler
	st     Store
	series store.FunctionSeries
	notify Notifier
	runner *periodic.Runner
	o      Options
}

// leaseTTL is how long a tick's lease is kept: far longer than any skew
// between replicas' timers.
const leaseTTL = time.Hour

// New returns a Scheduler for jobs that keeps the series in series and
// the rest in st. It does no I/O.
func New(jobs []Job, p Profiler, st Store, series store.FunctionSeries, n Notifier, opts Options) *Scheduler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	runner := periodic.New(st, periodic.Options{Owner: opts.Owner, Prefix: "functions/", TTL: leaseTTL,
		Logger: opts.Logger, Now: opts.Now})
	return &Scheduler{jobs: jobs, prof: p, st: st, series: series, notify: n, runner: runner, o: opts}
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

// Tick runs job once for the nominal tick time, unless another replica
// already has (then the report's Ran is false).
func (s *Scheduler) Tick(ctx context.Context, job Job, nominal time.Time) (Report, error) {
	var rep Report
	ran, err := s.runner.RunTick(ctx, s.periodicJob(job, &rep), nominal)
	rep.Ran = ran
	return rep, err
}

func (s *Scheduler) periodicJob(job Job, rep *Report) periodic.Job {
	return periodic.Job{Name: job.Name, Spec: job.Spec, Location: job.Location,
		Do: func(ctx context.Context, nominal time.Time) error {
			r := rep
			if r == nil {
				r = new(Report)
			}
			return s.tick(ctx, job, nominal, r)
		}}
}
