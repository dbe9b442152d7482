package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/store"
)

// Sharding across replicas
//
// With Options.Queue set and a Planner source, a tick's winner does not
// scan alone: it plans the query's series shards (prom.Source.Plan) and
// puts each on the store's queue as a ShardJob job, which every
// replica's worker takes (RunShard). A shard is queried, detected and
// recorded on its own; a regression is created once by fingerprint
// whichever replica finds it. Each shard done is tallied under the tick
// (store.Tallies), and the replica that completes the tally reports the
// tick done. A query that fits in one shard is scanned by the winner, as
// without a queue.
//
// While a sharded tick of a job is not done, later ticks of the job are
// skipped (with a warning), so a fleet slower to scan than its schedule
// backs off instead of piling shards on the queue: the winner holds the
// lease "detect/<job>/sharded", owned by the tick, until its last shard
// is done or ShardTTL passes. A shard that fails on its last attempt
// counts as done, failed, so one bad shard does not hold the job up.

// ShardJob is the queue job kind of one shard of a detection tick.
const ShardJob = "detect.shard"

// Planner is a Source that cuts a query into shards that any replica
// can query alone over the same range (prom.Source).
type Planner interface {
	Plan(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]prom.Shard, error)
	QueryShard(ctx context.Context, sh prom.Shard, start, end time.Time, step time.Duration) (prom.Result, error)
}

// Queue is where a sharded tick's shards go.
type Queue interface {
	Enqueue(ctx context.Context, kind string, payload json.RawMessage) (id string, err error)
}

// shardJob is a queued shard: which tick of which job, which of its
// shards, and when the tick was planned.
type shardJob struct {
	Job     string     `json:"job"`
	Tick    time.Time  `json:"tick"`
	Index   int        `json:"index"`
	Of      int        `json:"of"`
	Shard   prom.Shard `json:"shard"`
	Planned time.Time  `json:"planned"`
}

// defaultShardTTL bounds how long a sharded tick may hold its job's
// later ticks back.
const defaultShardTTL = 30 * time.Minute

// shardedKey is the lease a job's unfinished sharded tick holds.
func shardedKey(job string) string { return job + "/sharded" }

// tallyKey is where a tick's finished shards are counted.
func tallyKey(job string, tick time.Time) string {
	return "detect/" + job + "/" + tick.UTC().Format(time.RFC3339) + "/shards"
}

// scanSharded is a tick's scan through a Planner: one shard is detected
// here; more are queued, unless an earlier sharded tick of the job is
// still not done.
func (s *Scheduler) scanSharded(ctx context.Context, pl Planner, job Job, start, nominal time.Time, rep *Report) error {
	shards, err := pl.Plan(ctx, job.Query, start, nominal, job.Step)
	if err != nil {
		return err
	}
	if len(shards) == 1 {
		r, err := pl.QueryShard(ctx, shards[0], start, nominal, job.Step)
		if err != nil {
			return err
		}
		return s.detect(ctx, job, r.Series, r.Warnings, rep)
	}
	tick := nominal.UTC().Format(time.RFC3339)
	free, err := s.st.AcquireLease(ctx, "detect/"+shardedKey(job.Name), tick, s.shardTTL)
	if err != nil {
		return fmt.Errorf("take the sharded-tick lease: %w", err)
	}
	if !free {
		rep.Skipped = true
		return nil
	}
	planned := s.now().UTC()
	for i, sh := range shards {
		payload, err := json.Marshal(shardJob{Job: job.Name, Tick: nominal.UTC(), Index: i, Of: len(shards), Shard: sh, Planned: planned})
		if err != nil {
			return err
		}
		if _, err := s.queue.Enqueue(ctx, ShardJob, payload); err != nil {
			// Queued shards still run; the tick is done only when the
			// lease expires, and the next tick plans afresh.
			return fmt.Errorf("queue shard %d of %d: %w", i+1, len(shards), err)
		}
	}
	rep.Queued = len(shards)
	return nil
}

// RunShard runs one queued shard of a detection tick (a ShardJob job):
// it queries the shard, detects and records its regressions, and tallies
// the shard done; the replica whose tally completes the tick logs it
// done and frees the job's next tick. It is a worker handler: an error
// has the shard tried again, and on its last attempt (Options.
// ShardAttempts) the shard is tallied as done, failed.
func (s *Scheduler) RunShard(ctx context.Context, j store.Job) error {
	var p shardJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return fmt.Errorf("shard job %s: %w", j.ID, err)
	}
	job, ok := s.job(p.Job)
	if !ok {
		return fmt.Errorf("shard job %s: no detection job %q here (do the replicas share one config?)", j.ID, p.Job)
	}
	pl, ok := s.src.(Planner)
	if !ok {
		return fmt.Errorf("shard job %s: job %s's source cannot query shards", j.ID, p.Job)
	}
	var rep Report
	r, err := pl.QueryShard(ctx, p.Shard, p.Tick.Add(-job.Lookback), p.Tick, job.Step)
	if err == nil {
		err = s.detect(ctx, job, r.Series, r.Warnings, &rep)
	}
	s.observeShard(job.Name, &rep, err)
	log := s.log.With("job", job.Name, "tick", p.Tick, "shard", fmt.Sprintf("%d/%d", p.Index+1, p.Of))
	if err != nil {
		if j.Attempts < s.shardAttempts || ctx.Err() != nil { // tried again (elsewhere, when shutting down)
			return fmt.Errorf("job %s tick %s shard %d/%d: %w", job.Name, p.Tick.Format(time.RFC3339), p.Index+1, p.Of, err)
		}
		log.Error("detection shard failed, counted done", "attempt", j.Attempts, "err", err)
	} else {
		log.Info("detection shard", "series", rep.Series, "points", rep.Points,
			"opened", len(rep.Opened), "went_away", len(rep.WentAway))
	}
	n, terr := s.st.Tally(context.WithoutCancel(ctx), tallyKey(job.Name, p.Tick), strconv.Itoa(p.Index), s.shardTTL)
	if terr != nil {
		return errors.Join(err, fmt.Errorf("tally shard: %w", terr))
	}
	if n == p.Of {
		took := s.now().Sub(p.Planned)
		log.Info("detection tick done", "shards", p.Of, "took", took)
		s.observeDone(job.Name, took)
		if err := s.st.ReleaseLease(context.WithoutCancel(ctx), "detect/"+shardedKey(job.Name), p.Tick.UTC().Format(time.RFC3339)); err != nil {
			log.Warn("free the job's next tick", "err", err) // it frees itself after ShardTTL
		}
	}
	return nil
}

// job returns the job named name.
func (s *Scheduler) job(name string) (Job, bool) {
	for _, j := range s.jobs {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}
