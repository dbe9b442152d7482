package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
	"github.com/wattson-dev/wattson/store/redis"
)

// openStore opens the store the config selects: the embedded bbolt file in
// the data directory, or Redis. It fails with a message meant for the
// operator when the file is corrupt or locked, or Redis is unreachable.
func openStore(ctx context.Context, cfg config, logger *slog.Logger) (store.Store, error) {
	switch cfg.Store.Backend {
	case "redis":
		return openRedis(ctx, cfg, logger)
	default:
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		st, err := bolt.Open(cfg.storePath(), bolt.Options{Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("open embedded store: %w", err)
		}
		return st, nil
	}
}

// openRedis connects to the Redis store; Open pings the server so an
// unreachable one fails here, at start, with its address.
func openRedis(ctx context.Context, cfg config, logger *slog.Logger) (store.Store, error) {
	st, err := redis.Open(ctx, string(cfg.Store.RedisURL), redis.Options{Prefix: cfg.Store.KeyPrefix, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("open redis store: %w", err)
	}
	return st, nil
}
