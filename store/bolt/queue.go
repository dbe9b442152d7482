package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/wattson-dev/wattson/store"
)

// The queue keeps every job in bucketJobs until it is acknowledged. A job
// waiting for a consumer also has a key in bucketJobsReady; a delivered one
// has a holder in bucketJobsPending instead.

// jobRecord is a job as stored.
type jobRecord struct {
	Kind       string          `json:"kind"`
	Payload    json.RawMessage `json:"payload,omitempty"`
	Attempts   int             `json:"attempts"`
	EnqueuedAt time.Time       `json:"enqueued_at"`
}

// holder is who holds a delivered job, since when, and when it is to be
// tried again (Retry), if it failed.
type holder struct {
	Consumer    string    `json:"consumer"`
	DeliveredAt time.Time `json:"delivered_at"`
	RetryAt     time.Time `json:"retry_at,omitzero"`
}

// due reports whether the job h holds is to be reclaimed at now.
func (h holder) due(now time.Time, minIdle time.Duration) bool {
	return now.Sub(h.DeliveredAt) >= minIdle || !h.RetryAt.IsZero() && !now.Before(h.RetryAt)
}

// errClosed is returned by Dequeue calls cut short by Close.
var errClosed = errors.New("store is closed")

// Enqueue implements store.Queue.
func (s *Store) Enqueue(ctx context.Context, kind string, payload json.RawMessage) (string, error) {
	var id string
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		jobs := bucket(tx, bucketJobs)
		n, err := jobs.NextSequence()
		if err != nil {
			return err
		}
		data, err := json.Marshal(jobRecord{Kind: kind, Payload: payload, EnqueuedAt: s.now().UTC()})
		if err != nil {
			return err
		}
		if err := jobs.Put(u64(n), data); err != nil {
			return err
		}
		id = jobID(n)
		return bucket(tx, bucketJobsReady).Put(u64(n), nil)
	})
	if err != nil {
		return "", fmt.Errorf("enqueue job: %w", err)
	}
	s.mu.Lock()
	close(s.wake)
	s.wake = make(chan struct{})
	s.mu.Unlock()
	return id, nil
}

// Dequeue implements store.Queue. Waiting consumers wake when a job is
// enqueued by this process.
func (s *Store) Dequeue(ctx context.Context, consumer string, block time.Duration) (*store.Job, error) {
	var timeout <-chan time.Time
	if block > 0 {
		t := time.NewTimer(block)
		defer t.Stop()
		timeout = t.C
	}
	for {
		s.mu.Lock()
		wake := s.wake
		s.mu.Unlock()
		job, err := s.take(ctx, consumer)
		if err != nil || job != nil {
			return job, err
		}
		if timeout == nil {
			return nil, fmt.Errorf("dequeue job: %w", store.ErrNoJob)
		}
		select {
		case <-wake:
		case <-timeout:
			return nil, fmt.Errorf("dequeue job: %w", store.ErrNoJob)
		case <-ctx.Done():
			return nil, fmt.Errorf("dequeue job: %w", ctx.Err())
		case <-s.closed:
			return nil, fmt.Errorf("dequeue job: %w", errClosed)
		}
	}
}

// take delivers the oldest ready job to consumer, or returns nil if none.
func (s *Store) take(ctx context.Context, consumer string) (*store.Job, error) {
	var job *store.Job
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		job, err = takeReady(tx, consumer, s.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dequeue job: %w", err)
	}
	return job, nil
}

// takeReady delivers the oldest ready job to consumer in tx, if any.
func takeReady(tx *bbolt.Tx, consumer string, now time.Time) (*store.Job, error) {
	ready := bucket(tx, bucketJobsReady)
	key, _ := ready.Cursor().First()
	if key == nil {
		return nil, nil
	}
	key = bytes.Clone(key)
	if err := ready.Delete(key); err != nil {
		return nil, err
	}
	return deliver(tx, key, consumer, now)
}

// deliver records that consumer holds the job at key since now, counts
// the attempt, and returns the job.
func deliver(tx *bbolt.Tx, key []byte, consumer string, now time.Time) (*store.Job, error) {
	jobs := bucket(tx, bucketJobs)
	var rec jobRecord
	if err := json.Unmarshal(jobs.Get(key), &rec); err != nil {
		return nil, fmt.Errorf("decode job: %w", err)
	}
	rec.Attempts++
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	if err := jobs.Put(key, data); err != nil {
		return nil, err
	}
	h, err := json.Marshal(holder{Consumer: consumer, DeliveredAt: now.UTC()})
	if err != nil {
		return nil, err
	}
	if err := bucket(tx, bucketJobsPending).Put(key, h); err != nil {
		return nil, err
	}
	return &store.Job{ID: jobID(binaryU64(key)), Kind: rec.Kind, Payload: rec.Payload, Attempts: rec.Attempts, Enqueued: rec.EnqueuedAt}, nil
}

// Ack implements store.Queue.
func (s *Store) Ack(ctx context.Context, id string) error {
	n, ok := parseJobID(id)
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		pending := bucket(tx, bucketJobsPending)
		if !ok || pending.Get(u64(n)) == nil {
			return fmt.Errorf("job %s is not pending: %w", id, store.ErrNotFound)
		}
		if err := pending.Delete(u64(n)); err != nil {
			return err
		}
		return bucket(tx, bucketJobs).Delete(u64(n))
	})
	if err != nil {
		return fmt.Errorf("ack job: %w", err)
	}
	return nil
}

// Reclaim implements store.Queue, measuring idle time with the store's
// clock. It looks in a read transaction first, so that a reclaim finding
// nothing (most of them) writes nothing.
func (s *Store) Reclaim(ctx context.Context, consumer string, minIdle time.Duration) ([]store.Job, error) {
	var out []store.Job
	due := func(tx *bbolt.Tx) ([][]byte, error) {
		now := s.now()
		var keys [][]byte
		err := bucket(tx, bucketJobsPending).ForEach(func(k, v []byte) error {
			var h holder
			if err := json.Unmarshal(v, &h); err != nil {
				return fmt.Errorf("decode job holder: %w", err)
			}
			if h.due(now, minIdle) {
				keys = append(keys, bytes.Clone(k))
			}
			return nil
		})
		return keys, err
	}
	var found [][]byte
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		found, err = due(tx)
		return err
	})
	if err == nil && len(found) > 0 {
		err = s.update(ctx, func(tx *bbolt.Tx) error {
			keys, err := due(tx)
			if err != nil {
				return err
			}
			for _, k := range keys {
				job, err := deliver(tx, k, consumer, s.now())
				if err != nil {
					return err
				}
				out = append(out, *job)
			}
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("reclaim jobs: %w", err)
	}
	if len(out) > 0 {
		s.log.Info("reclaimed jobs", "consumer", consumer, "jobs", len(out), "min_idle", minIdle)
	}
	return out, nil
}

// Retry implements store.Queue.
func (s *Store) Retry(ctx context.Context, id string, after time.Duration) error {
	n, ok := parseJobID(id)
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		pending := bucket(tx, bucketJobsPending)
		v := pending.Get(u64(n))
		if !ok || v == nil {
			return fmt.Errorf("job %s is not pending: %w", id, store.ErrNotFound)
		}
		var h holder
		if err := json.Unmarshal(v, &h); err != nil {
			return fmt.Errorf("decode job holder: %w", err)
		}
		h.RetryAt = s.now().Add(after).UTC()
		data, err := json.Marshal(h)
		if err != nil {
			return err
		}
		return pending.Put(u64(n), data)
	})
	if err != nil {
		return fmt.Errorf("retry job: %w", err)
	}
	return nil
}

// jobID formats the id of the n-th job.
func jobID(n uint64) string {
	return "J-" + strconv.FormatUint(n, 10)
}

// parseJobID is the inverse of jobID.
func parseJobID(id string) (uint64, bool) {
	num, ok := strings.CutPrefix(id, "J-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(num, 10, 64)
	return n, err == nil
}
