package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/wattson-dev/wattson/detector/schedule"
)

// Periodic is work done on a cron schedule (the opportunity scan, the
// daily digest), once per tick across replicas.
type Periodic struct {
	// Name identifies the work in lease keys and logs.
	Name string
	// Spec is the robfig/cron schedule (five fields or @every).
	Spec string
	// Location is the time zone of Spec; nil means UTC.
	Location *time.Location
	// Do runs one tick; tick is the schedule's nominal firing time.
	Do func(ctx context.Context, tick time.Time) error
}

// periodicLease is how long a tick's lease is kept: far longer than any
// skew between replicas' timers.
const periodicLease = time.Hour

// RunPeriodic runs every job on its schedule until ctx ends, then waits for
// running ticks. Each tick runs on one replica only: the one that takes the
// lease "periodic/<name>/<nominal tick>" (see schedule.NominalTick).
func (b *Bot) RunPeriodic(ctx context.Context, jobs []Periodic) error {
	c := cron.New(cron.WithLocation(time.UTC))
	for _, j := range jobs {
		spec := j.Spec
		if j.Location != nil {
			spec = "CRON_TZ=" + j.Location.String() + " " + spec
		}
		sched, err := cron.ParseStandard(spec)
		if err != nil {
			return fmt.Errorf("schedule %s: parse %q: %w", j.Name, j.Spec, err)
		}
		c.Schedule(sched, cron.FuncJob(func() {
			tick := schedule.NominalTick(sched, b.now())
			if _, err := b.RunTick(ctx, j, tick); err != nil && !errors.Is(err, context.Canceled) {
				b.log.ErrorContext(ctx, "periodic tick failed", "job", j.Name, "tick", tick, "err", err)
			}
		}))
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// RunTick runs j for the nominal tick unless another replica has, and
// reports whether this call ran it.
func (b *Bot) RunTick(ctx context.Context, j Periodic, tick time.Time) (bool, error) {
	key := "periodic/" + j.Name + "/" + tick.UTC().Format(time.RFC3339)
	ok, err := b.o.Store.AcquireLease(ctx, key, b.o.Owner, periodicLease)
	if err != nil {
		return false, fmt.Errorf("%s: take tick lease: %w", j.Name, err)
	}
	if !ok {
		return false, nil
	}
	b.log.InfoContext(ctx, "periodic tick", "job", j.Name, "tick", tick.UTC().Format(time.RFC3339))
	return true, j.Do(ctx, tick)
}
