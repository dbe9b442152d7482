package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// Worker timings.
const (
	dequeueBlock  = 2 * time.Second
	reclaimEvery  = time.Minute
	reclaimIdle   = 15 * time.Minute
	maxJobRetries = 3
)

// Run works the bot's job queue until ctx ends: it runs queued
// investigations, and every minute reclaims jobs a crashed replica left
// behind. It returns nil when ctx ends.
func (b *Bot) Run(ctx context.Context) error {
	consumer := "bot/" + b.o.Owner
	lastReclaim := b.now()
	every := min(reclaimEvery, b.o.ReclaimIdle/2)
	for ctx.Err() == nil {
		if b.now().Sub(lastReclaim) >= every {
			lastReclaim = b.now()
			jobs, err := b.o.Store.Reclaim(ctx, consumer, b.o.ReclaimIdle)
			if err != nil && ctx.Err() == nil {
				b.log.ErrorContext(ctx, "reclaim jobs", "err", err)
			}
			for _, j := range jobs {
				b.work(ctx, j)
			}
			b.queueVerifications(ctx)
			b.queuePRChecks(ctx) // handmerge.go
		}
		j, err := b.o.Store.Dequeue(ctx, consumer, dequeueBlock)
		switch {
		case errors.Is(err, store.ErrNoJob):
			continue
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			b.log.ErrorContext(ctx, "dequeue job", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		b.work(ctx, *j)
	}
	return nil
}

// work runs one job and acknowledges it, unless it failed and may be tried
// again (then it stays pending and is reclaimed later).
func (b *Bot) work(ctx context.Context, j store.Job) {
	log := b.log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	release, held, err := b.holdJob(ctx, j.ID)
	switch {
	case err != nil:
		log.ErrorContext(ctx, "job not started", "err", err) // stays pending; reclaimed later
		return
	case !held:
		log.InfoContext(ctx, "job held by another replica")
		return
	}
	defer release()
	log.InfoContext(ctx, "job started")
	switch j.Kind {
	case JobInvestigate:
		err = b.runInvestigation(ctx, j.Payload)
	case JobPullRequest:
		err = b.runPullRequest(ctx, j)
	case JobVerifyRecovery:
		err = b.runVerifyRecovery(ctx, j.Payload)
	default:
		err = fmt.Errorf("run job: unknown kind %q", j.Kind)
	}
	outcome := "ok"
	if err != nil {
		outcome = "failed"
		log.ErrorContext(ctx, "job failed", "err", err)
		if j.Attempts < maxJobRetries && ctx.Err() == nil {
			b.m.jobs.WithLabelValues(j.Kind, "retry").Inc()
			return
		}
	}
	b.m.jobs.WithLabelValues(j.Kind, outcome).Inc()
	if err := b.o.Store.Ack(context.WithoutCancel(ctx), j.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) && j.Attempts > 1 {
			// Reclaimed while its first holder finished it.
			log.InfoContext(ctx, "job already acknowledged")
			return
		}
		log.ErrorContext(ctx, "ack job", "err", err)
		return
	}
	log.InfoContext(ctx, "job done", "outcome", outcome)
}

// RunJob runs one job the caller dequeued itself, for a process that shares
// one queue among several kinds of work. It reports whether the kind is the
// bot's; the caller acknowledges the job.
func (b *Bot) RunJob(ctx context.Context, j store.Job) (mine bool, err error) {
	switch j.Kind {
	case JobInvestigate:
		return true, b.runInvestigation(ctx, j.Payload)
	case JobPullRequest:
		return true, b.runPullRequest(ctx, j)
	case JobVerifyRecovery:
		return true, b.runVerifyRecovery(ctx, j.Payload)
	}
	return false, nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
