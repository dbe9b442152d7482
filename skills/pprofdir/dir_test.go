package pprofdir

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/skillstest"
)

func sampleProfile(t testing.TB) []byte {
	return skillstest.CPUProfile(t, time.Unix(1_700_000_000, 0), []skillstest.Stack{
		{Frames: []skillstest.Frame{{Func: "main.work", File: "m/main.go", StartLine: 3, Line: 5}}, Count: 7},
	})
}

func TestDirListAndLoad(t *testing.T) {
	root := t.TempDir()
	d := New(root)
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := os.MkdirAll(filepath.Join(root, "svc"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{d.Path("svc", at), d.Path("svc", at.Add(-time.Hour))} {
		if err := os.WriteFile(p, sampleProfile(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "svc", "notes.txt"), []byte("x"), 0o644)
	refs, err := d.List(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 2 || !refs[0].Time.Before(refs[1].Time) {
		t.Fatalf("refs = %+v", refs)
	}
	if _, err := d.Load(context.Background(), refs[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := d.List(context.Background(), "nope"); !errors.Is(err, skills.ErrNoProfile) {
		t.Errorf("missing service: err = %v", err)
	}
	if _, err := d.List(context.Background(), "../etc"); err == nil {
		t.Error("path traversal accepted")
	}
}

func TestParseRealCPUProfile(t *testing.T) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Skip("CPU profiler busy:", err)
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	pprof.StopCPUProfile()
	p, err := Parse(&buf)
	if errors.Is(err, ErrNotCPUProfile) {
		t.Skip("no samples captured")
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SampleType) == 0 {
		t.Fatal("no sample types")
	}
}

func FuzzParse(f *testing.F) {
	good := sampleProfile(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("not a profile"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(bytes.NewReader(data))
		if err == nil && (p == nil || len(p.Sample) == 0) {
			t.Fatal("accepted a profile without samples")
		}
	})
}
