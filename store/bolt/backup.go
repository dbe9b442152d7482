package bolt

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
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

// BackupPrefix and BackupSuffix frame the names BackupTo gives its copies:
// wattson-<UTC time, 20060102T150405Z>.db, so that name order is time order.
const (
	BackupPrefix = "wattson-"
	BackupSuffix = ".db"
)

// BackupTo writes a hot backup (Backup) of the running store into dir as
// wattson-<at>.db: written next to its final name, synced, checked as
// Open checks a file, and renamed into place, so every such file is a
// whole store. Then all but the newest keep backups in dir are removed
// (keep <= 0 removes none). It returns the backup's path and size.
func (s *Store) BackupTo(ctx context.Context, dir string, at time.Time, keep int) (string, int64, error) {
	dest := filepath.Join(dir, BackupPrefix+at.UTC().Format("20060102T150405Z")+BackupSuffix)
	tmp, err := os.CreateTemp(dir, BackupPrefix+"*.tmp")
	if err != nil {
		return "", 0, fmt.Errorf("back up store: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	n, err := s.Backup(ctx, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if verr := verify(tmp.Name(), time.Second); verr != nil {
			err = fmt.Errorf("the copy does not check: %w", verr)
		}
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dest)
	}
	if err != nil {
		return "", n, fmt.Errorf("back up store %s to %s: %w", s.path, dest, err)
	}
	if keep > 0 {
		old, err := filepath.Glob(filepath.Join(dir, BackupPrefix+"*"+BackupSuffix))
		if err != nil {
			return dest, n, fmt.Errorf("prune backups in %s: %w", dir, err)
		}
		slices.Sort(old)
		for _, p := range old[:max(0, len(old)-keep)] {
			if err := os.Remove(p); err != nil {
				return dest, n, fmt.Errorf("prune backups in %s: %w", dir, err)
			}
		}
	}
	return dest, n, nil
}
