package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/wattson-dev/wattson/store"
)

// The queue is the stream "jobs" with the consumer group "workers"; each
// entry has the fields kind and payload, and its stream id is the job id.

// streamID reports whether id looks like the ids XADD assigns: two decimal
// numbers joined by a dash.
func streamID(id string) bool {
	ms, seq, ok := strings.Cut(id, "-")
	return ok && digits(ms) && digits(seq)
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// stream is the key of the job queue's stream.
func (k keyspace) stream() string {
	return k.key("jobs")
}

// ensureGroup creates the stream and its consumer group unless they exist.
// Starting at id 0 means jobs added before the group existed are delivered.
func (s *Store) ensureGroup(ctx context.Context) error {
	err := s.rdb.XGroupCreateMkStream(ctx, s.keys.stream(), group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create consumer group on %s: %w", s.keys.stream(), err)
	}
	return nil
}

// isNoGroup reports whether err says the stream or group is gone, as after
// a restart of a server that persisted nothing.
func isNoGroup(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOGROUP")
}

// Enqueue implements store.Queue.
func (s *Store) Enqueue(ctx context.Context, kind string, payload json.RawMessage) (string, error) {
	id, err := s.rdb.XAdd(ctx, &goredis.XAddArgs{
		Stream: s.keys.stream(),
		Values: []any{"kind", kind, "payload", string(payload)},
	}).Result()
	if err != nil {
		return "", fmt.Errorf("enqueue job: %w", err)
	}
	return id, nil
}

// Dequeue implements store.Queue with XREADGROUP ... BLOCK. It blocks in
// slices of at most maxBlockSlice so that a cancelled context is noticed
// soon: Redis itself cannot be interrupted while it blocks.
func (s *Store) Dequeue(ctx context.Context, consumer string, block time.Duration) (*store.Job, error) {
	deadline := time.Now().Add(block)
	for {
		wait := time.Duration(-1) // do not block
		if left := time.Until(deadline); block > 0 && left > 0 {
			wait = max(min(left, maxBlockSlice), time.Millisecond)
		}
		job, err := s.readOne(ctx, consumer, wait)
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("dequeue job: %w", ctx.Err())
		case err != nil:
			return nil, fmt.Errorf("dequeue job: %w", err)
		case job != nil:
			return job, nil
		case wait < 0 || time.Until(deadline) <= 0:
			return nil, fmt.Errorf("dequeue job: %w", store.ErrNoJob)
		}
	}
}

// maxBlockSlice is the longest one XREADGROUP call blocks.
const maxBlockSlice = time.Second

// readOne reads one new job for consumer, blocking up to block (not at
// all when block < 0); it returns nil when none arrived.
func (s *Store) readOne(ctx context.Context, consumer string, block time.Duration) (*store.Job, error) {
	args := &goredis.XReadGroupArgs{
		Group:    group,
		Consumer: consumer,
		Streams:  []string{s.keys.stream(), ">"},
		Count:    1,
		Block:    block,
	}
	res, err := s.rdb.XReadGroup(ctx, args).Result()
	if isNoGroup(err) {
		s.log.Warn("queue consumer group missing, re-creating it; the server lost its data")
		if err := s.ensureGroup(ctx); err != nil {
			return nil, err
		}
		res, err = s.rdb.XReadGroup(ctx, args).Result()
	}
	switch {
	case errors.Is(err, goredis.Nil):
		return nil, nil
	case err != nil:
		return nil, err
	case len(res) == 0 || len(res[0].Messages) == 0:
		return nil, nil
	}
	job := toJob(res[0].Messages[0])
	job.Attempts = 1
	return &job, nil
}

// toJob converts a stream entry to a job.
func toJob(m goredis.XMessage) store.Job {
	kind, _ := m.Values["kind"].(string)
	payload, _ := m.Values["payload"].(string)
	job := store.Job{ID: m.ID, Kind: kind}
	if ms, _, ok := strings.Cut(m.ID, "-"); ok { // a stream id is <unix ms>-<seq>, from Redis's clock
		if n, err := strconv.ParseInt(ms, 10, 64); err == nil {
			job.Enqueued = time.UnixMilli(n).UTC()
		}
	}
	if payload != "" {
		job.Payload = json.RawMessage(payload)
	}
	return job
}

// Ack implements store.Queue: XACK, then XDEL so the stream stays small.
func (s *Store) Ack(ctx context.Context, id string) error {
	if !streamID(id) {
		return fmt.Errorf("ack job %s: %w", id, store.ErrNotFound)
	}
	n, err := s.scripts.ack.Run(ctx, s.rdb, []string{s.keys.stream()}, group, id).Int64()
	if err != nil {
		return fmt.Errorf("ack job %s: %w", id, err)
	}
	if n != 1 {
		return fmt.Errorf("ack job %s: not pending: %w", id, store.ErrNotFound)
	}
	return nil
}

// Reclaim implements store.Queue with XAUTOCLAIM; the delivery counts
// that XAUTOCLAIM raised come from XPENDING.
func (s *Store) Reclaim(ctx context.Context, consumer string, minIdle time.Duration) ([]store.Job, error) {
	var jobs []store.Job
	start := "0-0"
	for {
		msgs, next, err := s.rdb.XAutoClaim(ctx, &goredis.XAutoClaimArgs{
			Stream:   s.keys.stream(),
			Group:    group,
			Consumer: consumer,
			MinIdle:  minIdle,
			Start:    start,
			Count:    100,
		}).Result()
		if isNoGroup(err) {
			return nil, nil // nothing can be pending in a group that is gone
		}
		if err != nil {
			return nil, fmt.Errorf("reclaim jobs: %w", err)
		}
		for _, m := range msgs {
			jobs = append(jobs, toJob(m))
		}
		if next == "0-0" || next == "" {
			break
		}
		start = next
	}
	if err := s.countAttempts(ctx, consumer, jobs); err != nil {
		return nil, err
	}
	if len(jobs) > 0 {
		s.log.Info("reclaimed idle jobs", "consumer", consumer, "jobs", len(jobs), "min_idle", minIdle)
	}
	return jobs, nil
}

// countAttempts sets each job's Attempts from its delivery count.
func (s *Store) countAttempts(ctx context.Context, consumer string, jobs []store.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	cmds := make([]*goredis.XPendingExtCmd, len(jobs))
	_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, j := range jobs {
			cmds[i] = p.XPendingExt(ctx, &goredis.XPendingExtArgs{
				Stream: s.keys.stream(), Group: group, Start: j.ID, End: j.ID, Count: 1, Consumer: consumer,
			})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reclaim jobs: count deliveries: %w", err)
	}
	for i, cmd := range cmds {
		jobs[i].Attempts = 1
		if p := cmd.Val(); len(p) == 1 {
			jobs[i].Attempts = max(1, int(p[0].RetryCount))
		}
	}
	return nil
}
