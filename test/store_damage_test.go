package test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"
)

// TestStoreDamage is the operator's journey with a damaged embedded store:
// take a backup, find the store damaged (cut short by a full disk, a meta
// page garbled), have serve and 'store check' refuse it with one line that
// names the file and what to do, restore the backup and serve again.
func TestStoreDamage(t *testing.T) {
	dataDir := t.TempDir()
	db := filepath.Join(dataDir, "wattson.db")
	env := []string{"WATTSON_DATA_DIR=" + dataDir}
	startServe(t, env).stop(t)
	pad(t, db)

	backup := filepath.Join(t.TempDir(), "wattson.db.backup")
	if r := wattson(t, nil, "store", "backup", db, backup); r.code != 0 {
		t.Fatalf("store backup: exit %d\n%s", r.code, r.stderr)
	}
	if r := wattson(t, nil, "store", "check", backup); r.code != 0 || !strings.Contains(r.stdout, "ok") {
		t.Fatalf("store check of the backup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	good, saved := mustRead(t, db), mustRead(t, backup)
	if hwm := le64(good[16+40:]); hwm*4096 <= uint64(len(good)/2) {
		t.Fatalf("fixture: %d pages in use fit in half of the %d-byte file", hwm, len(good))
	}

	damages := []struct {
		name string
		harm func(b []byte) []byte
	}{
		{"truncated to half", func(b []byte) []byte { return b[:len(b)/2] }},
		{"first meta page garbled", func(b []byte) []byte { b[16+40]++; return b }},
		{"second meta page garbled", func(b []byte) []byte { b[4096+16+48]++; return b }},
	}
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			damaged := d.harm(bytes.Clone(good))
			if err := os.WriteFile(db, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"serve", "--listen", "127.0.0.1:0"},
				{"store", "check", db},
				{"store", "backup", db, backup},
			} {
				r := wattson(t, env, args...)
				out := r.stdout + r.stderr
				if r.code != 1 {
					t.Errorf("%s: exit %d, want 1\n%s", args[:2], r.code, out)
				}
				if strings.Contains(out, "goroutine ") || strings.Contains(out, "fatal error") || strings.Contains(out, "panic") {
					t.Errorf("%s crashed:\n%s", args[:2], out)
				}
				var lines []string
				for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
					if strings.Contains(l, db) {
						lines = append(lines, l)
					}
				}
				if len(lines) != 1 || !strings.Contains(lines[0], "corrupt") ||
					!strings.Contains(lines[0], "restore your latest backup") || !strings.Contains(lines[0], "wattson store check") {
					t.Errorf("%s: want one line naming %s as corrupt and saying to restore the backup, got:\n%s", args[:2], db, out)
				}
				if after, _ := os.ReadFile(db); !bytes.Equal(after, damaged) {
					t.Fatalf("%s changed the damaged file", args[:2])
				}
			}
			if !bytes.Equal(mustRead(t, backup), saved) {
				t.Fatal("store backup of the damaged file replaced the good backup")
			}
		})
	}

	if err := os.WriteFile(db, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := wattson(t, nil, "store", "check", db); r.code != 0 {
		t.Fatalf("store check after restoring the backup: exit %d\n%s", r.code, r.stderr)
	}
	startServe(t, env).stop(t)
}

// pad adds a bucket of filler to a store that serve created, standing in
// for months of records, so that its pages in use reach past half the file.
func pad(t *testing.T, path string) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("e2e.filler"))
		for i := 0; err == nil && i < 300; i++ {
			err = b.Put(fmt.Appendf(nil, "%06d", i), bytes.Repeat([]byte("x"), 200))
		}
		return err
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// le64 decodes a little-endian uint64, as bbolt stores its meta fields.
func le64(b []byte) uint64 {
	var n uint64
	for i := 7; i >= 0; i-- {
		n = n<<8 | uint64(b[i])
	}
	return n
}
