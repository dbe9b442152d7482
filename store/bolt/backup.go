package bolt

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the store to w: bbolt's hot backup,
// one read transaction, so writers go on while it runs and the copy is
// the store as of one moment. It returns the bytes written.
func (s *Store) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("back up store %s: %w", s.path, err)
	}
	return n, nil
}

// BackupFile copies the store file at path to dest after checking it as
// Open does, so a damaged store is reported and never copied over a good
// backup. The copy is written next to dest, synced, checked and renamed
// into place, so dest is always a whole store. A file that a running
// wattson holds gives ErrLocked: bbolt lets one process at a time open it.
func BackupFile(path, dest string) error {
	const timeout = time.Second
	if a, b, err := sameFile(path, dest); err == nil && a == b {
		return fmt.Errorf("back up store %s: the backup must be another file", path)
	}
	if err := verify(path, timeout); err != nil {
		return err
	}
	db, err := openDB(path, timeout, true)
	if err != nil {
		return err
	}
	defer db.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dest), filepath.Base(dest)+".tmp-*")
	if err != nil {
		return fmt.Errorf("back up store: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	err = db.View(func(tx *bbolt.Tx) error {
		_, err := tx.WriteTo(tmp)
		return err
	})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("back up store %s to %s: %w", path, dest, err)
	}
	if err := verify(tmp.Name(), timeout); err != nil {
		return fmt.Errorf("back up store %s: the copy does not check: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return fmt.Errorf("back up store: %w", err)
	}
	return nil
}

// sameFile returns both paths made absolute, to tell whether they name the
// same file.
func sameFile(a, b string) (string, string, error) {
	a, err := filepath.Abs(a)
	if err != nil {
		return "", "", err
	}
	b, err = filepath.Abs(b)
	return a, b, err
}
