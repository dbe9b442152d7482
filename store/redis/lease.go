package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Lease and idempotency keys:
//
//	lease:<key>   the owner, expiring after the lease's ttl
//	seen:<key>    "1", expiring after the key's ttl
//	tally:<key>   a set of members, expiring ttl after its latest one

// millis converts a ttl to whole milliseconds, at least 1, as PX needs.
func millis(d time.Duration) int64 {
	return max(1, d.Milliseconds())
}

// AcquireLease implements store.Leases.
func (s *Store) AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	n, err := s.scripts.acquire.Run(ctx, s.rdb, []string{s.keys.key("lease", key)}, owner, millis(ttl)).Int64()
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", key, err)
	}
	return n == 1, nil
}

// ReleaseLease implements store.Leases.
func (s *Store) ReleaseLease(ctx context.Context, key, owner string) error {
	if err := s.scripts.release.Run(ctx, s.rdb, []string{s.keys.key("lease", key)}, owner).Err(); err != nil {
		return fmt.Errorf("release lease %s: %w", key, err)
	}
	return nil
}

// Remember implements store.Idempotency.
func (s *Store) Remember(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	err := s.rdb.SetArgs(ctx, s.keys.key("seen", key), "1", goredis.SetArgs{Mode: "NX", TTL: time.Duration(millis(ttl)) * time.Millisecond}).Err()
	if errors.Is(err, goredis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("remember key %s: %w", key, err)
	}
	return true, nil
}

// Tally implements store.Tallies: SADD, PEXPIRE and SCARD in one
// MULTI/EXEC, so concurrent calls see the counts in some order, each once.
func (s *Store) Tally(ctx context.Context, key, member string, ttl time.Duration) (int, error) {
	k := s.keys.key("tally", key)
	var card *goredis.IntCmd
	_, err := s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.SAdd(ctx, k, member)
		p.PExpire(ctx, k, time.Duration(millis(ttl))*time.Millisecond)
		card = p.SCard(ctx, k)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("tally %s: %w", key, err)
	}
	return int(card.Val()), nil
}
