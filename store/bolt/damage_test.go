package bolt_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/wattson-dev/wattson/store"
	"github.com/wattson-dev/wattson/store/bolt"
	"github.com/wattson-dev/wattson/store/storetest"
)

// fullFile returns the bytes of a real store file whose pages in use reach
// past half its size, so that cutting it in half loses data.
func fullFile(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "full.db")
	s, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	storetest.Populate(t, s)
	for i := range 300 {
		ev := store.AuditEvent{At: time.Unix(int64(i), 0), Actor: "ana", Action: "approve", Detail: strings.Repeat("x", 200)}
		if _, err := s.AppendAudit(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if hwm := binary.LittleEndian.Uint64(data[16+40:]); hwm*4096 <= uint64(len(data)/2) {
		t.Fatalf("fixture: %d pages in use fit in half of the %d-byte file", hwm, len(data))
	}
	return data
}

// damaged returns the path of a store file with data in it, damaged by harm.
func damaged(t *testing.T, harm func(b []byte) []byte) (path string, content []byte) {
	t.Helper()
	content = harm(fullFile(t))
	path = filepath.Join(t.TempDir(), "wattson.db")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, content
}

// damages are files that bbolt alone would crash on or write to.
var damages = map[string]func(b []byte) []byte{
	"truncated to half":        func(b []byte) []byte { return b[:len(b)/2] },
	"truncated to three pages": func(b []byte) []byte { return b[:3*4096] },
	"first meta page smashed": func(b []byte) []byte {
		b[16+8]++ // page size field of meta 0; its checksum no longer matches
		return b
	},
	"second meta page smashed": func(b []byte) []byte {
		b[4096+16+40]++ // high water mark of meta 1
		return b
	},
}

// TestDamagedFileIsReportedNotOpened runs in a subprocess: before Open
// checked page bounds, a truncated file killed the process with a fault
// that no recover catches.
func TestDamagedFileIsReportedNotOpened(t *testing.T) {
	if name := os.Getenv("WATTSON_DAMAGE_CASE"); name != "" {
		damagedChild(t, name)
		return
	}
	for name := range damages {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestDamagedFileIsReportedNotOpened$", "-test.v")
			cmd.Env = append(os.Environ(), "WATTSON_DAMAGE_CASE="+name)
			out, err := cmd.CombinedOutput()
			if err != nil || bytes.Contains(out, []byte("goroutine ")) || bytes.Contains(out, []byte("fatal error")) {
				t.Fatalf("child: %v\n%s", err, out)
			}
			t.Logf("%s", out)
		})
	}
}

func damagedChild(t *testing.T, name string) {
	path, content := damaged(t, damages[name])
	for _, step := range []struct {
		name string
		run  func() error
	}{
		{"check", func() error { return bolt.Check(path) }},
		{"open", func() error {
			s, err := bolt.Open(path, bolt.Options{})
			if err == nil {
				s.Close()
			}
			return err
		}},
	} {
		err := step.run()
		t.Logf("%s: %v", step.name, err)
		if !errors.Is(err, store.ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", step.name, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "backup") {
			t.Errorf("%s: error %q should name the file and say to restore the backup", step.name, msg)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, content) {
		t.Error("the damaged file was changed")
	}
}

func TestCheckPassesSoundFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wattson.db")
	if err := os.WriteFile(path, validFile(t), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := bolt.Check(path); err != nil {
		t.Fatalf("check of a sound file: %v", err)
	}
}

// TestCheckSurvivesRandomDamage changes a few random bytes of a store file
// many times over: Check must report or pass each file and never crash.
// It found Check returning while bbolt's check goroutine still read the
// file, which then faulted once the file was unmapped.
func TestCheckSurvivesRandomDamage(t *testing.T) {
	valid := fullFile(t)
	r := rand.New(rand.NewPCG(1, 2))
	path := filepath.Join(t.TempDir(), "wattson.db")
	n := 3000 // the fault it found needed about a thousand tries
	if testing.Short() {
		n = 300
	}
	for range n {
		b := bytes.Clone(valid)
		for range 1 + r.IntN(4) {
			b[r.IntN(len(b))] = byte(r.IntN(256))
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := bolt.Check(path); err != nil && !errors.Is(err, store.ErrCorrupt) {
			t.Fatalf("check: %v, want nil or ErrCorrupt", err)
		}
	}
}

// FuzzCheck feeds Check damaged store files: it must report them and
// never crash the process, whatever the bytes. The seeds are a bbolt file
// with branch pages, overflow pages, nested and inline buckets, and its
// damaged versions.
func FuzzCheck(f *testing.F) {
	valid := seedFile(f)
	f.Add(valid)
	for _, harm := range damages {
		f.Add(harm(bytes.Clone(valid)))
	}
	f.Add([]byte("this is not a database\n"))
	f.Fuzz(func(t *testing.T, content []byte) {
		path := filepath.Join(t.TempDir(), "wattson.db")
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		_ = bolt.Check(path)
	})
}

// seedFile returns a bbolt file with branch pages, an overflow page, and
// nested and inline buckets.
func seedFile(tb testing.TB) []byte {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "seed.db")
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		tb.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		meta, _ := tx.CreateBucket([]byte("meta"))
		_ = meta.Put([]byte("schema"), []byte("1"))
		big, _ := tx.CreateBucket([]byte("big"))
		for i := range 500 {
			_ = big.Put(fmt.Appendf(nil, "key-%04d", i), bytes.Repeat([]byte("v"), 100))
		}
		_ = big.Put([]byte("overflow"), bytes.Repeat([]byte("o"), 10000))
		nested, _ := big.CreateBucket([]byte("nested"))
		inline, _ := nested.CreateBucket([]byte("inline"))
		return inline.Put([]byte("k"), []byte("v"))
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatal(err)
	}
	valid, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return valid
}
