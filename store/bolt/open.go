package bolt

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/wattson-dev/wattson/store"
)

// Check checks the store file at path without writing to it, as Open does
// before it writes: both meta pages, the pages they reach, bbolt's
// consistency check and Wattson's schema. A damaged file gives an error
// wrapping store.ErrCorrupt that names the file and says what to do; a file
// that a running wattson holds gives ErrLocked after a second. An empty
// file passes: Open would create the store in it.
func Check(path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("check store: %w", err)
	}
	return verify(path, time.Second)
}

// verify checks an existing, non-empty file read-only before Open writes to
// it, so that a corrupt file or one that is not a bbolt database is reported
// and left byte for byte as it was. It opens the file read-only (which
// touches only the two meta pages, and waits for another process's lock),
// reads every page the current meta reaches with plain file reads
// (checkPages), and only then lets bbolt's consistency check walk the
// memory-mapped file; panics inside bbolt become ErrCorrupt.
func verify(path string, timeout time.Duration) (err error) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("open store %s: %w", path, err)
	case info.IsDir():
		return fmt.Errorf("open store %s: is a directory", path)
	case info.Size() == 0:
		return nil
	}
	db, err := openDB(path, timeout, true)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store %s: %w", path, cerr)
		}
	}()
	if err := checkPages(path); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = corrupt(path, fmt.Errorf("consistency check: %v", p))
		}
	}()
	return db.View(func(tx *bbolt.Tx) error {
		// Drain the check: its goroutine reads the mapped file until it
		// closes the channel, and must be done before db.Close unmaps it.
		var first error
		for cerr := range tx.Check() {
			if first == nil {
				first = corrupt(path, cerr)
			}
		}
		if first != nil {
			return first
		}
		return checkSchema(tx, path)
	})
}

// checkSchema refuses a sound bbolt file that some other program wrote,
// or a newer Wattson: Open would otherwise add its buckets to it.
func checkSchema(tx *bbolt.Tx, path string) error {
	meta := bucket(tx, bucketMeta)
	if meta == nil {
		empty := true
		_ = tx.ForEach(func([]byte, *bbolt.Bucket) error {
			empty = false
			return nil
		})
		if empty {
			return nil // created but never written by Open
		}
		return corrupt(path, errors.New("a bbolt database without Wattson's meta bucket"))
	}
	if v := string(meta.Get([]byte("schema"))); v != schemaVersion {
		return corrupt(path, fmt.Errorf("schema version %q, this wattson reads %q", v, schemaVersion))
	}
	return nil
}

// openDB opens path with bbolt, mapping bbolt's errors and panics to
// ErrLocked and ErrCorrupt.
func openDB(path string, timeout time.Duration, readOnly bool) (db *bbolt.DB, err error) {
	defer func() {
		if p := recover(); p != nil {
			db, err = nil, corrupt(path, fmt.Errorf("%v", p))
		}
	}()
	db, err = bbolt.Open(path, 0o600, &bbolt.Options{Timeout: timeout, ReadOnly: readOnly})
	var pathErr *fs.PathError
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("open store %s: waited %s: %w", path, timeout, ErrLocked)
	case errors.As(err, &pathErr):
		return nil, fmt.Errorf("open store: %w", err)
	case readOnly:
		// Reading an existing file failed for a reason other than the
		// operating system's: its content is not a sound bbolt database
		// (bbolt reports some of these as plain errors, like "file size
		// too small").
		return nil, corrupt(path, err)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		return nil, corrupt(path, err)
	default:
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
}

// corrupt is the error for a damaged file: one line that names the file,
// says it was left untouched and what to do (README "Backups and recovery").
func corrupt(path string, cause error) error {
	return fmt.Errorf("%s: %w (%v); it was left untouched: stop wattson, move the file aside, "+
		"restore your latest backup and run 'wattson store check' on it (README: Backups and recovery)",
		path, store.ErrCorrupt, cause)
}
