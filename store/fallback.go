package store

import (
	"context"
	"sync"
	"time"
)

// RememberFallback is an Idempotency that remembers keys through a primary
// store and, while that fails (Redis is down), in this process's memory
// for the same ttl: replays keep being refused on this replica, and a
// request is answered rather than failed, while the store is away. Keys
// seen in memory are refused even once the store is back. It never
// returns an error.
type RememberFallback struct {
	primary Idempotency
	now     func() time.Time
	// Failed, when not nil, is told of each failure of the primary.
	Failed func(err error)

	mu   sync.Mutex
	keys map[string]time.Time // key → expiry
}

// memoryKeys bounds the keys kept in memory; expired ones go first.
const memoryKeys = 100_000

// NewRememberFallback returns a RememberFallback over primary; now is
// the clock (nil: time.Now).
func NewRememberFallback(primary Idempotency, now func() time.Time) *RememberFallback {
	if now == nil {
		now = time.Now
	}
	return &RememberFallback{primary: primary, now: now, keys: map[string]time.Time{}}
}

// Remember reports whether key is new: to the primary store, else to this
// process's memory.
func (f *RememberFallback) Remember(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	now := f.now()
	f.mu.Lock()
	exp, seen := f.keys[key]
	f.mu.Unlock()
	if seen && now.Before(exp) {
		return false, nil
	}
	first, err := f.primary.Remember(ctx, key, ttl)
	if err == nil {
		return first, nil
	}
	if f.Failed != nil {
		f.Failed(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if exp, ok := f.keys[key]; ok && now.Before(exp) {
		return false, nil
	}
	if len(f.keys) >= memoryKeys {
		for k, exp := range f.keys {
			if !now.Before(exp) {
				delete(f.keys, k)
			}
		}
	}
	if len(f.keys) < memoryKeys {
		f.keys[key] = now.Add(ttl)
	}
	return true, nil
}
