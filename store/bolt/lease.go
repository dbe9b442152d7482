package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// lease is a lease as stored.
type lease struct {
	Owner   string    `json:"owner"`
	Expires time.Time `json:"expires"`
}

// AcquireLease implements store.Leases, with expiry by the store's clock.
func (s *Store) AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	acquired := false
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := bucket(tx, bucketLeases)
		now := s.now()
		if data := b.Get([]byte(key)); data != nil {
			var l lease
			if err := json.Unmarshal(data, &l); err != nil {
				return fmt.Errorf("decode lease: %w", err)
			}
			if l.Owner != owner && now.Before(l.Expires) {
				return nil
			}
		}
		data, err := json.Marshal(lease{Owner: owner, Expires: now.Add(ttl).UTC()})
		if err != nil {
			return err
		}
		acquired = true
		return b.Put([]byte(key), data)
	})
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", key, err)
	}
	return acquired, nil
}

// ReleaseLease implements store.Leases.
func (s *Store) ReleaseLease(ctx context.Context, key, owner string) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := bucket(tx, bucketLeases)
		data := b.Get([]byte(key))
		if data == nil {
			return nil
		}
		var l lease
		if err := json.Unmarshal(data, &l); err != nil {
			return fmt.Errorf("decode lease: %w", err)
		}
		if l.Owner != owner {
			return nil
		}
		return b.Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("release lease %s: %w", key, err)
	}
	return nil
}

// Remember implements store.Idempotency, with expiry by the store's clock.
// Keys live in bucketSeen (key → expiry) and bucketSeenExpiry (expiry+key),
// so each call can drop the keys that expired in expiry order.
func (s *Store) Remember(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	first := false
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		seen, byExpiry := bucket(tx, bucketSeen), bucket(tx, bucketSeenExpiry)
		now := s.now().UnixNano()
		if err := expire(seen, byExpiry, now); err != nil {
			return err
		}
		if seen.Get([]byte(key)) != nil {
			return nil
		}
		first = true
		exp := u64(uint64(now + ttl.Nanoseconds()))
		if err := seen.Put([]byte(key), exp); err != nil {
			return err
		}
		return byExpiry.Put(append(exp, key...), nil)
	})
	if err != nil {
		return false, fmt.Errorf("remember key %s: %w", key, err)
	}
	return first, nil
}

// expire deletes the keys whose expiry is not after now.
func expire(seen, byExpiry *bbolt.Bucket, now int64) error {
	c := byExpiry.Cursor()
	limit := u64(uint64(now))
	for k, _ := c.First(); k != nil && bytes.Compare(k[:8], limit) <= 0; k, _ = c.First() {
		k = bytes.Clone(k)
		if err := seen.Delete(k[8:]); err != nil {
			return err
		}
		if err := byExpiry.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// tally is a tally as stored: its members and when it expires.
type tally struct {
	Members []string  `json:"members"`
	Expires time.Time `json:"expires"`
}

// Tally implements store.Tallies, with expiry by the store's clock: an
// expired tally starts again from its next member. Expired tallies are
// dropped as a tally is written, a few at a time.
func (s *Store) Tally(ctx context.Context, key, member string, ttl time.Duration) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := bucket(tx, bucketTallies)
		now := s.now()
		var t tally
		if data := b.Get([]byte(key)); data != nil {
			if err := json.Unmarshal(data, &t); err != nil {
				return fmt.Errorf("decode tally: %w", err)
			}
		}
		if !now.Before(t.Expires) {
			t = tally{}
		}
		t.Expires = now.Add(ttl).UTC()
		if !slices.Contains(t.Members, member) {
			t.Members = append(t.Members, member)
		}
		n = len(t.Members)
		data, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(key), data); err != nil {
			return err
		}
		return dropExpiredTallies(b, key, now)
	})
	if err != nil {
		return 0, fmt.Errorf("tally %s: %w", key, err)
	}
	return n, nil
}

// dropExpiredTallies deletes up to a few expired tallies other than
// keep, so that tallies nobody completes do not pile up.
func dropExpiredTallies(b *bbolt.Bucket, keep string, now time.Time) error {
	var old [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil && len(old) < 8; k, v = c.Next() {
		var t tally
		if string(k) != keep && json.Unmarshal(v, &t) == nil && !now.Before(t.Expires) {
			old = append(old, bytes.Clone(k))
		}
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
