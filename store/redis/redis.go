// Package redis is Wattson's shared store for several replicas: records,
// the audit log, the job queue, leases and idempotency keys in one Redis
// server, through go-redis.
//
// Everything lives under keys that start with a configurable prefix (in a
// hash tag, "{prefix}:"), so tenants and tests can share a server. Records
// are JSON strings with ids from INCR; creation, fingerprint
// de-duplication, optimistic proposal updates, audit appends and lease
// renewal are single Lua scripts, so they are atomic across replicas. The
// queue is a Redis stream with one consumer group: XADD, XREADGROUP with
// BLOCK, XACK (and XDEL), and XAUTOCLAIM to reclaim jobs from a consumer
// that died. Leases are SET NX PX with owner-checked release; idempotency
// keys are SET NX PX. Expiry and idle times use the server's clock.
//
// What survives a restart of the server is what the server persisted: run
// it with appendonly yes (and appendfsync always, or everysec to risk a
// second of writes) for Wattson's data to outlive a crash.
package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/wattson-dev/wattson/store"
)

// Options configure Open. The zero value is ready to use.
type Options struct {
	// Prefix starts every key; empty means "wattson".
	Prefix string
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Now is the clock for timestamps the store sets (UpdatedAt, audit
	// times); nil means time.Now. Expiry uses the server's clock.
	Now func() time.Time
}

// Store is the Redis-backed store.Store. Its methods are safe for
// concurrent use.
type Store struct {
	rdb     *goredis.Client
	addr    string
	keys    keyspace
	log     *slog.Logger
	now     func() time.Time
	scripts scripts
	jobs    *Lane // the default queue
}

var _ store.Store = (*Store)(nil)

// group is the queue's consumer group.
const group = "workers"

// Open connects to the Redis server at rawURL (redis://[user:password@]host:port/db,
// rediss:// for TLS, or unix://) and checks that it answers.
func Open(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	ropts, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	ropts.ContextTimeoutEnabled = true
	ropts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	if opts.Prefix == "" {
		opts.Prefix = "wattson"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Store{
		rdb:     goredis.NewClient(ropts),
		addr:    ropts.Addr,
		keys:    keyspace("{" + opts.Prefix + "}:"),
		log:     opts.Logger.With("store", "redis", "addr", ropts.Addr, "prefix", opts.Prefix),
		now:     opts.Now,
		scripts: newScripts(),
	}
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		_ = s.rdb.Close()
		return nil, fmt.Errorf("connect to redis at %s: %w", s.addr, err)
	}
	s.jobs = &Lane{s: s, stream: s.keys.stream(), retries: s.keys.retries()}
	if err := s.jobs.ensureGroup(ctx); err != nil {
		_ = s.rdb.Close()
		return nil, err
	}
	return s, nil
}

// parseURL parses a Redis URL; its errors never repeat the URL's password.
func parseURL(rawURL string) (*goredis.Options, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error repeats the whole URL, password included
		}
		return nil, fmt.Errorf("parse redis url: %w", err)
	}
	o, err := goredis.ParseURL(rawURL)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "redis: ")
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
		}
		return nil, fmt.Errorf("parse redis url %s: %s", u.Redacted(), msg)
	}
	return o, nil
}

// Close closes the connections to the server.
func (s *Store) Close() error {
	if err := s.rdb.Close(); err != nil {
		return fmt.Errorf("close redis store: %w", err)
	}
	return nil
}

// keyspace is the prefix every key of a store starts with: "{prefix}:".
type keyspace string

// key returns the full name of a key made of parts.
func (k keyspace) key(parts ...string) string {
	return string(k) + strings.Join(parts, ":")
}

// DebugLog is a go-redis logger (for goredis.SetLogger, which is
// process-wide) that sends go-redis's own log lines — dial retries, whose
// failures reach the caller as errors anyway — to slog at debug level.
type DebugLog struct{}

// Printf logs one go-redis line at debug level.
func (DebugLog) Printf(ctx context.Context, format string, v ...any) {
	slog.DebugContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}
