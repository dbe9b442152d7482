package bolt_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
	"github.com/wattson-dev/wattson/store/storetest"
)

func TestBackupOfOpenStoreIsAWholeStore(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{})
	f := storetest.Populate(t, s)
	var buf bytes.Buffer
	n, err := s.Backup(t.Context(), &buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("backup: %d bytes, %v; wrote %d", n, err, buf.Len())
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := bolt.Check(copyPath); err != nil {
		t.Fatalf("check the backup: %v", err)
	}
	f.Check(t, open(t, copyPath, bolt.Options{}))
}

func TestBackupFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wattson.db")
	s, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.Populate(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "backup.db")
	if err := bolt.BackupFile(path, dest); err != nil {
		t.Fatalf("backup: %v", err)
	}
	f.Check(t, open(t, dest, bolt.Options{}))

	if err := bolt.BackupFile(path, path); err == nil {
		t.Error("backup onto the store itself succeeded")
	}
}

func TestBackupFileRefusesDamagedStore(t *testing.T) {
	path, _ := damaged(t, damages["second meta page smashed"])
	dest := filepath.Join(t.TempDir(), "backup.db")
	good := []byte("yesterday's good backup")
	if err := os.WriteFile(dest, good, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := bolt.BackupFile(path, dest); !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("backup of a damaged store: %v, want ErrCorrupt", err)
	}
	if after, _ := os.ReadFile(dest); !bytes.Equal(after, good) {
		t.Error("backup of a damaged store overwrote the previous backup")
	}
}

func TestBackupFileOfStoreInUseIsLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wattson.db")
	open(t, path, bolt.Options{})
	err := bolt.BackupFile(path, filepath.Join(t.TempDir(), "backup.db"))
	if !errors.Is(err, bolt.ErrLocked) {
		t.Fatalf("backup of a store in use: %v, want ErrLocked", err)
	}
}

// TestBackupToKeepsTheNewest: backups of the running store go into a
// directory under time-ordered names, each a whole store, and only the
// newest keep stay.
func TestBackupToKeepsTheNewest(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "wattson.db"), bolt.Options{})
	f := storetest.Populate(t, s)
	dir := t.TempDir()
	at := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	var last string
	for i := range 4 {
		path, n, err := s.BackupTo(t.Context(), dir, at.Add(time.Duration(i)*24*time.Hour), 2)
		if err != nil || n == 0 {
			t.Fatalf("backup %d: %s, %d bytes, %v", i, path, n, err)
		}
		last = path
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	want := []string{filepath.Join(dir, "wattson-20261209T030000Z.db"), filepath.Join(dir, "wattson-20261210T030000Z.db")}
	if !slices.Equal(left, want) {
		t.Errorf("left %v, want the two newest %v", left, want)
	}
	f.Check(t, open(t, last, bolt.Options{}))
}
