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

// verify checks an existing, non-empty file read-only before Open writes to
// it, so that a corrupt file or one that is not a bbolt database is reported
// and left byte for byte as it was. It opens the file read-only, walks every
// page with bbolt's consistency check, and turns panics inside bbolt into
// ErrCorrupt.
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
	defer func() {
		if p := recover(); p != nil {
			err = corrupt(path, fmt.Errorf("consistency check: %v", p))
		}
	}()
	return db.View(func(tx *bbolt.Tx) error {
		for cerr := range tx.Check() {
			return corrupt(path, cerr)
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

// corrupt is the error for a damaged file; it names the file and says it
// was left untouched.
func corrupt(path string, cause error) error {
	return fmt.Errorf("open store %s: file is corrupt or not a wattson store, left untouched (%v): %w",
		path, cause, store.ErrCorrupt)
}
