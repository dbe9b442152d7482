// Package bolt is Wattson's embedded store: every record, the audit log,
// the job queue, leases and idempotency keys in one bbolt file, for a single
// process. See package store for why bbolt.
//
// Open refuses a file that another process holds (after Options.LockTimeout)
// and a file that is corrupt or not a bbolt database (ErrCorrupt); it never
// writes to such a file. Check runs the same check alone; Backup and
// BackupFile write consistent copies (README "Backups and recovery"). The
// queue is in-process: Dequeue wakes when Enqueue commits, and jobs
// delivered but not acknowledged survive a restart and can be reclaimed.
package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/wattson-dev/wattson/store"
)

// ErrLocked means another process has the store file open.
var ErrLocked = errors.New("store file is in use by another process")

// Options configure Open. The zero value is ready to use.
type Options struct {
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Now is the clock for timestamps, lease and key expiry and job idle
	// times; nil means time.Now.
	Now func() time.Time
	// LockTimeout is how long Open waits for another process to release
	// the file; zero means one second.
	LockTimeout time.Duration
}

// Store is the bbolt-backed store.Store. Its methods are safe for
// concurrent use.
type Store struct {
	db   *bbolt.DB
	path string
	log  *slog.Logger
	now  func() time.Time

	mu     sync.Mutex
	wake   chan struct{} // closed and replaced when a job is enqueued
	closed chan struct{} // closed by Close
}

var _ store.Store = (*Store)(nil)

// Bucket names.
const (
	bucketMeta        = "meta"
	bucketAudit       = "audit"
	bucketAuditByRec  = "audit.by_record"
	bucketJobs        = "jobs"
	bucketJobsReady   = "jobs.ready"
	bucketJobsPending = "jobs.pending"
	bucketLeases      = "leases"
	bucketSeen        = "seen"
	bucketSeenExpiry  = "seen.expiry"
	bucketTallies     = "tallies"
)

// schemaVersion is the layout of the buckets, kept in the meta bucket.
const schemaVersion = "1"

// allBuckets lists every top-level bucket; Open creates the missing ones.
func allBuckets() []string {
	bs := []string{bucketMeta, bucketAudit, bucketAuditByRec, bucketJobs,
		bucketJobsReady, bucketJobsPending, bucketLeases, bucketSeen, bucketSeenExpiry, bucketFuncSeries, bucketTallies}
	for _, k := range kinds() {
		bs = append(bs, k.bucket())
		if k.fpBucket() != "" {
			bs = append(bs, k.fpBucket())
		}
	}
	return bs
}

// Open opens the store file at path, creating it if it does not exist.
// Before writing to an existing file it checks every page read-only, which
// takes time in proportion to the file's size (milliseconds for a team's
// store).
func Open(path string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	if err := verify(path, opts.LockTimeout); err != nil {
		return nil, err
	}
	db, err := openDB(path, opts.LockTimeout, false)
	if err != nil {
		return nil, err
	}
	if err := db.Update(func(tx *bbolt.Tx) error {
		for _, name := range allBuckets() {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return bucket(tx, bucketMeta).Put([]byte("schema"), []byte(schemaVersion))
	}); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return &Store{
		db:     db,
		path:   path,
		log:    opts.Logger.With("store", "bolt", "path", path),
		now:    opts.Now,
		wake:   make(chan struct{}),
		closed: make(chan struct{}),
	}, nil
}

// Close releases the file. Blocked Dequeue calls return.
func (s *Store) Close() error {
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		return nil
	default:
		close(s.closed)
	}
	s.mu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// update runs fn in a write transaction after checking ctx.
func (s *Store) update(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(fn)
}

// view runs fn in a read transaction after checking ctx.
func (s *Store) view(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

// bucket returns the top-level bucket name, which Open created.
func bucket(tx *bbolt.Tx, name string) *bbolt.Bucket {
	return tx.Bucket([]byte(name))
}

// u64 encodes n as a big-endian key, so keys sort by number.
func u64(n uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, n)
}

// binaryU64 decodes a key written by u64.
func binaryU64(key []byte) uint64 {
	return binary.BigEndian.Uint64(key)
}
