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
// milliseconds at which Reclaim is to hand them over (Retry). A lane
// (Store.Lane) is another such queue, the stream "jobs:<lane>" and the
// set "jobs:<lane>:retry", worked by workers of its own: the shards of a
// fleet's detection tick go to one, so that an investigation queued
// behind a hundred shards does not wait for them.

// Lane is one queue of the store: the default one, whose methods the
// Store has, or a named one (Store.Lane).
type Lane struct {
	s               *Store
	stream, retries string
}

var _ store.Queue = (*Lane)(nil)

// Lane returns the queue named name, creating its stream and consumer
// group unless they exist. Its jobs are the Lane's alone: Dequeue on the
// Store never hands them over.
func (s *Store) Lane(ctx context.Context, name string) (*Lane, error) {
	if name == "" || name == "retry" || strings.ContainsAny(name, ":{}") {
		return nil, fmt.Errorf("queue lane %q: want a plain name other than \"retry\"", name)
	}
	q := &Lane{s: s, stream: s.keys.key("jobs", name), retries: s.keys.key("jobs", name, "retry")}
	if err := q.ensureGroup(ctx); err != nil {
		return nil, err
	}
	return q, nil
}

// Enqueue, Dequeue, Ack, Reclaim and Retry of the Store are those of its
// default queue.
func (s *Store) Enqueue(ctx context.Context, kind string, payload json.RawMessage) (string, error) {
	return s.jobs.Enqueue(ctx, kind, payload)
}

func (s *Store) Dequeue(ctx context.Context, consumer string, block time.Duration) (*store.Job, error) {
	return s.jobs.Dequeue(ctx, consumer, block)
}

func (s *Store) Ack(ctx context.Context, id string) error { return s.jobs.Ack(ctx, id) }

func (s *Store) Reclaim(ctx context.Context, consumer string, minIdle time.Duration) ([]store.Job, error) {
	return s.jobs.Reclaim(ctx, consumer, minIdle)
}

func (s *Store) Retry(ctx context.Context, id string, after time.Duration) error {
	return s.jobs.Retry(ctx, id, after)
}

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
func (q *Lane) ensureGroup(ctx context.Context) error {
	err := q.s.rdb.XGroupCreateMkStream(ctx, q.stream, group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create consumer group on %s: %w", q.stream, err)
	}
	return nil
}

// isNoGroup reports whether err says the stream or group is gone, as after
// a restart of a server that persisted nothing.
func isNoGroup(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOGROUP")
}

// Enqueue implements store.Queue.
func (q *Lane) Enqueue(ctx context.Context, kind string, payload json.RawMessage) (string, error) {
	id, err := q.s.rdb.XAdd(ctx, &goredis.XAddArgs{
		Stream: q.stream,
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
func (q *Lane) Dequeue(ctx context.Context, consumer string, block time.Duration) (*store.Job, error) {
	deadline := time.Now().Add(block)
	for {
		wait := time.Duration(-1) // do not block
		if left := time.Until(deadline); block > 0 && left > 0 {
			wait = max(min(left, maxBlockSlice), time.Millisecond)
		}
		job, err := q.readOne(ctx, consumer, wait)
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
func (q *Lane) readOne(ctx context.Context, consumer string, block time.Duration) (*store.Job, error) {
	args := &goredis.XReadGroupArgs{
		Group:    group,
		Consumer: consumer,
		Streams:  []string{q.stream, ">"},
		Count:    1,
		Block:    block,
	}
	res, err := q.s.rdb.XReadGroup(ctx, args).Result()
	if isNoGroup(err) {
		q.s.log.Warn("queue consumer group missing, re-creating it; the server lost its data")
		if err := q.ensureGroup(ctx); err != nil {
			return nil, err
		}
		res, err = q.s.rdb.XReadGroup(ctx, args).Result()
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
func (q *Lane) Ack(ctx context.Context, id string) error {
	if !streamID(id) {
		return fmt.Errorf("ack job %s: %w", id, store.ErrNotFound)
	}
	n, err := q.s.scripts.ack.Run(ctx, q.s.rdb, []string{q.stream}, group, id).Int64()
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
func (q *Lane) Reclaim(ctx context.Context, consumer string, minIdle time.Duration) ([]store.Job, error) {
	jobs, err := q.claimRetries(ctx, consumer)
	if err != nil {
		return nil, err
	}
	claimed := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		claimed[j.ID] = true
	}
	start := "0-0"
	for {
		msgs, next, err := q.s.rdb.XAutoClaim(ctx, &goredis.XAutoClaimArgs{
			Stream:   q.stream,
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
	if err := q.countAttempts(ctx, consumer, jobs); err != nil {
		return nil, err
	}
	if len(jobs) > 0 {
		q.s.log.Info("reclaimed jobs", "consumer", consumer, "jobs", len(jobs), "min_idle", minIdle)
	}
	return jobs, nil
}

// claimRetries hands consumer the pending jobs whose retry time has come
// and takes them off the retry set; one acknowledged meanwhile is only
// taken off.
func (q *Lane) claimRetries(ctx context.Context, consumer string) ([]store.Job, error) {
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	ids, err := q.s.rdb.ZRangeArgs(ctx, goredis.ZRangeArgs{Key: q.retries, Start: "-inf", Stop: now, ByScore: true}).Result()
	if err != nil {
		return nil, fmt.Errorf("reclaim jobs: list retries: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	msgs, err := q.s.rdb.XClaim(ctx, &goredis.XClaimArgs{
		Stream: q.stream, Group: group, Consumer: consumer, MinIdle: 0, Messages: ids,
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
	if err := q.s.rdb.ZRem(ctx, q.retries, members...).Err(); err != nil {
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
func (q *Lane) Retry(ctx context.Context, id string, after time.Duration) error {
	if !streamID(id) {
		return fmt.Errorf("retry job %s: %w", id, store.ErrNotFound)
	}
	p, err := q.s.rdb.XPendingExt(ctx, &goredis.XPendingExtArgs{
		Stream: q.stream, Group: group, Start: id, End: id, Count: 1,
	}).Result()
	if err != nil && !isNoGroup(err) {
		return fmt.Errorf("retry job %s: %w", id, err)
	}
	if len(p) == 0 {
		return fmt.Errorf("retry job %s: not pending: %w", id, store.ErrNotFound)
	}
	at := float64(time.Now().Add(after).UnixMilli())
	if err := q.s.rdb.ZAdd(ctx, q.retries, goredis.Z{Score: at, Member: id}).Err(); err != nil {
		return fmt.Errorf("retry job %s: %w", id, err)
	}
	return nil
}

// countAttempts sets each job's Attempts from its delivery count.
func (q *Lane) countAttempts(ctx context.Context, consumer string, jobs []store.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	cmds := make([]*goredis.XPendingExtCmd, len(jobs))
	_, err := q.s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, j := range jobs {
			cmds[i] = p.XPendingExt(ctx, &goredis.XPendingExtArgs{
				Stream: q.stream, Group: group, Start: j.ID, End: j.ID, Count: 1, Consumer: consumer,
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
