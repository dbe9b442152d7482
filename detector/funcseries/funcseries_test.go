package funcseries

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

var t0 = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// testProfile is a CPU profile whose samples have the given stacks (leaf
// first, function names) and counts.
func testProfile(at time.Time, stacks map[string]int64) *profile.Profile {
	p := &profile.Profile{
		SampleType:    []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType:    &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:        int64(10 * time.Millisecond),
		TimeNanos:     at.UnixNano(),
		DurationNanos: int64(10 * time.Second),
	}
	fns := map[string]*profile.Location{}
	loc := func(name string) *profile.Location {
		if l := fns[name]; l != nil {
			return l
		}
		f := &profile.Function{ID: uint64(len(fns) + 1), Name: name, Filename: "pkg/" + name + ".go", StartLine: 10}
		l := &profile.Location{ID: f.ID, Line: []profile.Line{{Function: f, Line: 12}}}
		p.Function = append(p.Function, f)
		p.Location = append(p.Location, l)
		fns[name] = l
		return l
	}
	for st, n := range stacks {
		var locs []*profile.Location
		for _, name := range strings.Split(st, ";") {
			locs = append(locs, loc(name))
		}
		p.Sample = append(p.Sample, &profile.Sample{Location: locs, Value: []int64{n, n * p.Period}})
	}
	return p
}

func TestFromProfile(t *testing.T) {
	p := testProfile(t0, map[string]int64{"leaf;mid;main": 5, "mid;main": 3, "main": 2, "rec;rec;main": 4})
	s, err := FromProfile(p, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Counts{"leaf": {5, 5}, "mid": {3, 8}, "main": {2, 14}, "rec": {4, 4}}
	if s.Total != 14 || !s.Time.Equal(t0) || s.Period != 10*time.Millisecond || s.Duration != 10*time.Second {
		t.Errorf("total %d time %v period %v duration %v", s.Total, s.Time, s.Period, s.Duration)
	}
	for name, c := range want {
		if s.Funcs[name] != c {
			t.Errorf("%s: %+v, want %+v", name, s.Funcs[name], c)
		}
	}
	if got := s.Info["leaf"].Callers; len(got) != 1 || got[0] != "mid" {
		t.Errorf("callers of leaf = %v", got)
	}
	if _, err := FromProfile(&profile.Profile{SampleType: []*profile.ValueType{{Type: "alloc", Unit: "bytes"}}}, t0); err == nil {
		t.Error("a profile without CPU samples was accepted")
	}
}

func TestFromProfileCountsPreemptedSamplesInTheInterruptedFunction(t *testing.T) {
	p := testProfile(t0, map[string]int64{"runtime.asyncPreempt;work;main": 6, "work;main": 4})
	s, err := FromProfile(p, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Funcs["work"]; got != (Counts{10, 10}) {
		t.Errorf("work: %+v, want self and cum 10", got)
	}
	if _, ok := s.Funcs["runtime.asyncPreempt"]; ok || s.Total != 10 {
		t.Errorf("asyncPreempt counted as a function (%v), total %d", s.Funcs["runtime.asyncPreempt"], s.Total)
	}
}

func TestSetAppendTrimEncode(t *testing.T) {
	var s Set
	snaps := []Snapshot{
		{Time: t0, Total: 10, Funcs: map[string]Counts{"a": {4, 10}, "b": {6, 6}}},
		{Time: t0.Add(time.Minute), Total: 7, Funcs: map[string]Counts{"a": {7, 7}}},
		{Time: t0.Add(2 * time.Minute), Total: 9, Funcs: map[string]Counts{"a": {4, 9}, "c": {5, 5}}},
	}
	for _, sn := range snaps {
		if err := s.Append(sn); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Append(snaps[1]); err == nil {
		t.Error("an older snapshot was appended")
	}
	if s.Len() != 3 || len(s.Names) != 3 {
		t.Fatalf("len %d, names %v", s.Len(), s.Names)
	}
	if c := s.Self[s.Index("c")]; c[0] != 0 || c[1] != 0 || c[2] != 5 {
		t.Errorf("c = %v, want zeros before it appeared", c)
	}
	s.Trim(t0.Add(time.Minute))
	if s.Len() != 2 || s.Index("b") != -1 || s.Index("a") < 0 {
		t.Errorf("after trim: %d points, names %v", s.Len(), s.Names)
	}
	data, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.Len() != 2 || back.Self[back.Index("a")][0] != 7 {
		t.Errorf("decoded %+v", back)
	}
	if _, err := Decode([]byte("garbage")); err == nil {
		t.Error("garbage decoded")
	}
	empty, err := Decode(nil)
	if err != nil || empty.Len() != 0 {
		t.Errorf("empty: %v %v", empty, err)
	}
}

func TestAppendDirReadsOnlyNewProfiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "svc")
	os.MkdirAll(dir, 0o755)
	write := func(at time.Time, data []byte) {
		t.Helper()
		if data == nil {
			var b bytes.Buffer
			testProfile(at, map[string]int64{"f;main": 3}).Write(&b)
			data = b.Bytes()
		}
		if err := os.WriteFile(filepath.Join(dir, at.Format(time.RFC3339)+".pb.gz"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(t0, nil)
	write(t0.Add(time.Minute), nil)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	var s Set
	if n, err := AppendDir(&s, root, "svc"); err != nil || n != 2 {
		t.Fatalf("first read: %d, %v", n, err)
	}
	// An old file that no longer parses is never opened again.
	write(t0, []byte("corrupt"))
	write(t0.Add(2*time.Minute), nil)
	if n, err := AppendDir(&s, root, "svc"); err != nil || n != 1 || s.Len() != 3 {
		t.Fatalf("second read: %d, %v, len %d", n, err, s.Len())
	}
	write(t0.Add(3*time.Minute), []byte("corrupt"))
	_, err := AppendDir(&s, root, "svc")
	if err == nil || !strings.Contains(err.Error(), "2026-01-05T00:03:00Z.pb.gz") {
		t.Errorf("corrupt file: err = %v, want it named", err)
	}
	if s.Len() != 3 {
		t.Errorf("a bad file changed the set: %d points", s.Len())
	}
	for _, bad := range []string{"", "..", "a/b"} {
		if _, err := AppendDir(&s, root, bad); err == nil {
			t.Errorf("service %q accepted", bad)
		}
	}
	if _, err := AppendDir(&s, root, "missing"); err == nil {
		t.Error("missing service accepted")
	}
}

func FuzzParse(f *testing.F) {
	var b bytes.Buffer
	testProfile(t0, map[string]int64{"f;main": 3, "main": 1}).Write(&b)
	good := b.Bytes()
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("not a profile"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		if s.Total <= 0 {
			t.Fatal("accepted a profile without samples")
		}
		var set Set
		if err := set.Append(s); err != nil {
			t.Fatal(err)
		}
		if _, err := set.Encode(); err != nil {
			t.Fatal(err)
		}
	})
}
