// Package worker works the bot's job queue: it hands each job to the
// handler of its kind, retries a failed job up to MaxRetries times (after
// RetryDelay, by whichever replica reclaims it first), and reclaims the
// jobs a crashed replica left behind. A replica holds a lease
// on each job it runs, renewed while it runs, so that a slow job reclaimed
// by another replica is not run twice (see holdJob).
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wattson-dev/wattson/store"
)

// Store is what the worker needs of the store: the queue, and leases on
// the jobs it runs.
type Store interface {
	store.Queue
	store.Leases
}

// Handler runs one job of its kind. A returned error has the job tried
// again, up to MaxRetries deliveries.
type Handler func(ctx context.Context, j store.Job) error

// Options configure a Worker.
type Options struct {
	// Handlers run the jobs, by kind.
	Handlers map[string]Handler
	// ReclaimIdle is how long a job may stay unacknowledged before another
	// replica takes it over (its holder presumably died); 0 means 15
	// minutes. Set it above the longest investigation.
	ReclaimIdle time.Duration
	// Owner names this replica in leases and as a queue consumer; empty
	// means "wattson".
	Owner string
	// Lane names the queue worked when it is not the store's own (a Redis
	// lane): its job ids may repeat the other queue's, so it goes into the
	// consumer name and the job leases. Empty for the store's own queue.
	Lane string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the worker's logs; nil discards them.
	Logger *slog.Logger
	// Registerer receives the worker's metrics; nil registers nowhere.
	Registerer prometheus.Registerer
}

// Worker runs queued jobs. Build it with New and start it with Run.
type Worker struct {
	st   Store
	o    Options
	log  *slog.Logger
	now  func() time.Time
	jobs *prometheus.CounterVec
	lag  *prometheus.HistogramVec
}

// New builds a Worker. It does no I/O and starts nothing.
func New(st Store, o Options) (*Worker, error) {
	if o.ReclaimIdle <= 0 {
		o.ReclaimIdle = reclaimIdle
	}
	if o.Owner == "" {
		o.Owner = "wattson"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
	jobs := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wattson_bot_jobs_total",
		Help: "Queued bot jobs run, by kind and outcome.",
	}, []string{"kind", "outcome"})
	lag := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "wattson_queue_lag_seconds",
		Help:    "Seconds from a job's queueing to the start of its run, by kind (every delivery).",
		Buckets: prometheus.ExponentialBuckets(0.01, 4, 9), // 10 ms to 11 min
	}, []string{"kind"})
	for _, c := range []prometheus.Collector{jobs, lag} {
		if err := o.Registerer.Register(c); err != nil {
			return nil, fmt.Errorf("new worker: register metrics: %w", err)
		}
	}
	return &Worker{st: st, o: o, log: o.Logger.With("component", "worker"), now: o.Now, jobs: jobs, lag: lag}, nil
}

// Worker timings. A failed job is retried after RetryDelay, so the
// reclaim that hands it over runs every few seconds (it writes nothing
// when there is nothing to hand over).
const (
	dequeueBlock = 2 * time.Second
	reclaimEvery = 5 * time.Second
	reclaimIdle  = 15 * time.Minute
)

// RetryDelay is how long after its attempt-th delivery failed a job is
// tried again: 5 s, then 20 s. A failed job used to wait for ReclaimIdle
// (15 minutes), and a detection tick with it (one shard of a million-series
// fleet timed out on a loaded machine: the tick took 21 minutes).
func RetryDelay(attempt int) time.Duration {
	return 5 * time.Second << (2 * min(max(attempt-1, 0), 4))
}

// MaxRetries is how many deliveries a failing job gets.
const MaxRetries = 3

// Run works the job queue until ctx ends: it runs queued jobs, and every
// minute reclaims jobs a crashed replica left behind. It returns nil when
// ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	consumer := "bot/" + w.o.Owner
	if w.o.Lane != "" {
		consumer = w.o.Lane + "/" + w.o.Owner
	}
	lastReclaim := w.now()
	every := min(reclaimEvery, w.o.ReclaimIdle/2)
	for ctx.Err() == nil {
		if w.now().Sub(lastReclaim) >= every {
			lastReclaim = w.now()
			jobs, err := w.st.Reclaim(ctx, consumer, w.o.ReclaimIdle)
			if err != nil && ctx.Err() == nil {
				w.log.ErrorContext(ctx, "reclaim jobs", "err", err)
			}
			for _, j := range jobs {
				w.Work(ctx, j)
			}
		}
		j, err := w.st.Dequeue(ctx, consumer, dequeueBlock)
		switch {
		case errors.Is(err, store.ErrNoJob):
			continue
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			w.log.ErrorContext(ctx, "dequeue job", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		w.Work(ctx, *j)
	}
	return nil
}

// Work runs one job and acknowledges it, unless it failed and may be tried
// again (then it stays pending and is reclaimed after RetryDelay).
func (w *Worker) Work(ctx context.Context, j store.Job) {
	log := w.log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	release, held, err := w.holdJob(ctx, j.ID)
	switch {
	case err != nil:
		log.ErrorContext(ctx, "job not started", "err", err) // stays pending; reclaimed later
		return
	case !held:
		log.InfoContext(ctx, "job held by another replica")
		return
	}
	defer release()
	if !j.Enqueued.IsZero() {
		w.lag.WithLabelValues(j.Kind).Observe(max(0, w.now().Sub(j.Enqueued).Seconds()))
	}
	log.InfoContext(ctx, "job started")
	if h, ok := w.o.Handlers[j.Kind]; ok {
		err = h(ctx, j)
	} else {
		err = fmt.Errorf("run job: unknown kind %q", j.Kind)
	}
	outcome := "ok"
	if err != nil {
		outcome = "failed"
		if ctx.Err() != nil {
			// This replica is shutting down: the job goes back at once,
			// for another replica's next reclaim, not lost nor left for
			// ReclaimIdle.
			if err := w.st.Retry(context.WithoutCancel(ctx), j.ID, 0); err != nil {
				log.WarnContext(ctx, "interrupted job not handed back; it is reclaimed when idle", "err", err)
				return
			}
			w.jobs.WithLabelValues(j.Kind, "interrupted").Inc()
			log.InfoContext(ctx, "job interrupted, handed back", "err", err)
			return
		}
		log.ErrorContext(ctx, "job failed", "err", err)
		if j.Attempts < MaxRetries {
			w.jobs.WithLabelValues(j.Kind, "retry").Inc()
			after := RetryDelay(j.Attempts)
			if err := w.st.Retry(ctx, j.ID, after); err != nil {
				log.WarnContext(ctx, "job retry not scheduled; it is reclaimed when idle", "err", err)
				return
			}
			log.InfoContext(ctx, "job to be retried", "after", after)
			return
		}
	}
	w.jobs.WithLabelValues(j.Kind, outcome).Inc()
	if err := w.st.Ack(context.WithoutCancel(ctx), j.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			// Reclaimed while its holder finished it, and acknowledged
			// there: it ran twice, harmlessly (every job is idempotent).
			log.InfoContext(ctx, "job already acknowledged")
			return
		}
		log.ErrorContext(ctx, "ack job", "err", err)
		return
	}
	log.InfoContext(ctx, "job done", "outcome", outcome)
}

// RunJob runs one job the caller dequeued itself (the demo drains the
// queue by hand). It reports whether the worker has a handler for the
// job's kind; the caller acknowledges the job.
func (w *Worker) RunJob(ctx context.Context, j store.Job) (mine bool, err error) {
	h, ok := w.o.Handlers[j.Kind]
	if !ok {
		return false, nil
	}
	return true, h(ctx, j)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
