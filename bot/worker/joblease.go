package worker

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// jobLeaseTTL is how long a replica's hold on a running job lasts unless
// renewed: half the reclaim idle, so that a dead holder's lease has lapsed
// by the time its job is reclaimed.
func (w *Worker) jobLeaseTTL() time.Duration {
	return max(w.o.ReclaimIdle/2, time.Second)
}

// holdJob takes the lease "job/<id>" ("job/<lane>/<id>") for this replica and renews it in the
// background until release is called. The queue hands a job that stays
// unacknowledged past the reclaim idle to another replica, as if its holder
// had died; the lease tells a slow holder from a dead one, so a long job is
// not run twice. held is false when another replica holds the job: it then
// stays pending, to be acknowledged by its holder or reclaimed again.
func (w *Worker) holdJob(ctx context.Context, id string) (release func(), held bool, err error) {
	key, ttl := "job/"+id, w.jobLeaseTTL()
	if w.o.Lane != "" {
		key = "job/" + w.o.Lane + "/" + id
	}
	held, err = w.st.AcquireLease(ctx, key, w.o.Owner, ttl)
	if err != nil {
		return nil, false, fmt.Errorf("hold job %s: %w", id, err)
	}
	if !held {
		return nil, false, nil
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				ok, err := w.st.AcquireLease(ctx, key, w.o.Owner, ttl)
				if err != nil && ctx.Err() == nil {
					w.log.WarnContext(ctx, "job lease not renewed", "job", id, "err", err)
				} else if err == nil && !ok {
					w.log.WarnContext(ctx, "job lease lost to another replica", "job", id)
				}
			}
		}
	}()
	release = func() {
		close(stop)
		wg.Wait()
		if err := w.st.ReleaseLease(context.WithoutCancel(ctx), key, w.o.Owner); err != nil {
			w.log.WarnContext(ctx, "job lease not released", "job", id, "err", err)
		}
	}
	return release, true, nil
}
