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
// The sorted set "jobs:retry" holds the ids of failed jobs by the unix
// milliseconds at which Reclaim is to hand them over (Retry).

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

// retries is the key of the sorted set of jobs to be tried again.
func (k keyspace) retries() string {
	return k.key("jobs", "retry")
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

// Reclaim implements store.Queue with XAUTOCLAIM, and XCLAIM of the
// jobs whose retry time has come; the delivery counts that both raised
// come from XPENDING.
func (s *Store) Reclaim(ctx context.Context, consumer string, minIdle time.Duration) ([]store.Job, error) {
	jobs, err := s.claimRetries(ctx, consumer)
	if err != nil {
		return nil, err
	}
	claimed := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		claimed[j.ID] = true
	}
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
			if !claimed[m.ID] {
				jobs = append(jobs, toJob(m))
			}
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
		s.log.Info("reclaimed jobs", "consumer", consumer, "jobs", len(jobs), "min_idle", minIdle)
	}
	return jobs, nil
}

// claimRetries hands consumer the pending jobs whose retry time has come
// and takes them off the retry set; one acknowledged meanwhile is only
// taken off.
func (s *Store) claimRetries(ctx context.Context, consumer string) ([]store.Job, error) {
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	ids, err := s.rdb.ZRangeByScore(ctx, s.keys.retries(), &goredis.ZRangeBy{Min: "-inf", Max: now}).Result()
	if err != nil {
		return nil, fmt.Errorf("reclaim jobs: list retries: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	msgs, err := s.rdb.XClaim(ctx, &goredis.XClaimArgs{
		Stream: s.keys.stream(), Group: group, Consumer: consumer, MinIdle: 0, Messages: ids,
	}).Result()
	if isNoGroup(err) {
		msgs, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reclaim jobs: claim retries: %w", err)
	}
	members := make([]any, len(ids))
	for i, id := range ids {
		members[i] = id
	}
	if err := s.rdb.ZRem(ctx, s.keys.retries(), members...).Err(); err != nil {
		return nil, fmt.Errorf("reclaim jobs: clear retries: %w", err)
	}
	jobs := make([]store.Job, 0, len(msgs))
	for _, m := range msgs {
		jobs = append(jobs, toJob(m))
	}
	return jobs, nil
}

// Retry implements store.Queue: the job, if pending, goes into the retry
// set at its time.
func (s *Store) Retry(ctx context.Context, id string, after time.Duration) error {
	if !streamID(id) {
		return fmt.Errorf("retry job %s: %w", id, store.ErrNotFound)
	}
	p, err := s.rdb.XPendingExt(ctx, &goredis.XPendingExtArgs{
		Stream: s.keys.stream(), Group: group, Start: id, End: id, Count: 1,
	}).Result()
	if err != nil && !isNoGroup(err) {
		return fmt.Errorf("retry job %s: %w", id, err)
	}
	if len(p) == 0 {
		return fmt.Errorf("retry job %s: not pending: %w", id, store.ErrNotFound)
	}
	at := float64(time.Now().Add(after).UnixMilli())
	if err := s.rdb.ZAdd(ctx, s.keys.retries(), goredis.Z{Score: at, Member: id}).Err(); err != nil {
		return fmt.Errorf("retry job %s: %w", id, err)
	}
	return nil
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
