package redis_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/redis"
	"github.com/wattson-dev/wattson/store/redis/redistest"
	"github.com/wattson-dev/wattson/store/storetest"
)

// laneStore is a store whose queue is one of its lanes.
type laneStore struct {
	*redis.Store
	q *redis.Lane
}

func (l laneStore) Enqueue(ctx context.Context, kind string, payload json.RawMessage) (string, error) {
	return l.q.Enqueue(ctx, kind, payload)
}

func (l laneStore) Dequeue(ctx context.Context, consumer string, block time.Duration) (*store.Job, error) {
	return l.q.Dequeue(ctx, consumer, block)
}

func (l laneStore) Ack(ctx context.Context, id string) error { return l.q.Ack(ctx, id) }

func (l laneStore) Reclaim(ctx context.Context, consumer string, minIdle time.Duration) ([]store.Job, error) {
	return l.q.Reclaim(ctx, consumer, minIdle)
}

func (l laneStore) Retry(ctx context.Context, id string, after time.Duration) error {
	return l.q.Retry(ctx, id, after)
}

// TestLaneConformance: a lane is a whole queue, as the store's own is.
func TestLaneConformance(t *testing.T) {
	srv := redistest.Start(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		s := open(t, srv, strings.ReplaceAll(t.Name(), "/", "."))
		q, err := s.Lane(t.Context(), "detect")
		if err != nil {
			t.Fatal(err)
		}
		return laneStore{s, q}
	})
}

// TestLaneIsItsOwnQueue: a lane's jobs never come out of the store's
// queue, nor the store's out of the lane, so that a fleet tick's shards
// queued in one do not hold back an investigation queued in the other.
func TestLaneIsItsOwnQueue(t *testing.T) {
	s := open(t, redistest.Start(t), "lanes")
	ctx := t.Context()
	lane, err := s.Lane(ctx, "detect")
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if _, err := lane.Enqueue(ctx, "detect.shard", nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Enqueue(ctx, "bot.investigate", nil); err != nil {
		t.Fatal(err)
	}
	j, err := s.Dequeue(ctx, "bot/a", 0)
	if err != nil || j.Kind != "bot.investigate" {
		t.Fatalf("the store's queue handed over %+v, %v; want the investigation, not a shard", j, err)
	}
	if _, err := s.Dequeue(ctx, "bot/a", 0); !errors.Is(err, store.ErrNoJob) {
		t.Errorf("the store's queue after its one job: %v, want ErrNoJob", err)
	}
	j, err = lane.Dequeue(ctx, "detect/a", 0)
	if err != nil || j.Kind != "detect.shard" {
		t.Errorf("the lane handed over %+v, %v; want a shard", j, err)
	}
	for _, bad := range []string{"", "retry", "a:b"} {
		if _, err := s.Lane(ctx, bad); err == nil {
			t.Errorf("Lane(%q) accepted", bad)
		}
	}
}
