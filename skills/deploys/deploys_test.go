package deploys

import (
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/detector"
)

var logCases = []struct {
	name    string
	in      string
	want    int
	wantErr bool
}{
	{"array", `[{"time":"2025-01-02T00:00:00Z","revision":"aaaaaaa","environment":"production"},{"time":"2025-01-01T00:00:00Z","revision":"bbbbbbb"}]`, 2, false},
	{"json lines", "{\"time\":\"2025-01-01T00:00:00Z\",\"revision\":\"abcdef0\"}\n{\"time\":\"2025-01-02T00:00:00Z\",\"revision\":\"abcdef1\"}\n", 2, false},
	{"staging dropped", `[{"time":"2025-01-01T00:00:00Z","revision":"abcdef0","environment":"staging"},{"time":"2025-01-02T00:00:00Z","revision":"abcdef1"}]`, 1, false},
	{"empty", ``, 0, true},
	{"no time", `[{"revision":"abcdef0"}]`, 0, true},
	{"bad revision", `[{"time":"2025-01-01T00:00:00Z","revision":"main; rm -rf"}]`, 0, true},
	{"not json", `deploys!`, 0, true},
	{"bad time skipped", `[{"time":"yesterday","revision":"abcdef0"},{"time":"2025-01-02T00:00:00Z","revision":"abcdef1"}]`, 1, false},
	{"only bad times", `[{"time":"yesterday","revision":"abcdef0"}]`, 0, true},
	{"time not a string", `[{"time":5,"revision":"abcdef0"}]`, 0, true},
}

func TestParseLog(t *testing.T) {
	for _, tt := range logCases {
		t.Run(tt.name, func(t *testing.T) {
			ds, _, err := ParseLog([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if len(ds) != tt.want {
				t.Fatalf("got %d deploys, want %d", len(ds), tt.want)
			}
			for i := 1; i < len(ds); i++ {
				if ds[i].Time.Before(ds[i-1].Time) {
					t.Errorf("not sorted: %v", ds)
				}
			}
		})
	}
}

func FuzzParseLog(f *testing.F) {
	for _, tt := range logCases {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, _, err := ParseLog(data)
		if err != nil {
			if len(ds) != 0 {
				t.Fatal("deploys returned with an error")
			}
			return
		}
		for _, d := range ds {
			if d.Time.IsZero() || !shaRE.MatchString(d.Revision) {
				t.Fatalf("invalid deploy accepted: %+v", d)
			}
		}
	})
}

func TestFromBuildInfo(t *testing.T) {
	t0 := int64(1_700_000_000)
	ss := []detector.Series{
		{Labels: map[string]string{"revision": "bbbbbbb"}, Times: []int64{t0 + 600, t0 + 660}, Values: []float64{1, 1}},
		{Labels: map[string]string{"revision": "aaaaaaa"}, Times: []int64{t0, t0 + 60, t0 + 660}, Values: []float64{1, 1, 1}},
		{Labels: map[string]string{"job": "x"}, Times: []int64{t0}, Values: []float64{1}},
	}
	ds := FromBuildInfo(ss)
	if len(ds) != 2 || ds[0].Revision != "aaaaaaa" || ds[1].Revision != "bbbbbbb" || !ds[1].Time.Equal(time.Unix(t0+600, 0)) {
		t.Fatalf("deploys = %+v", ds)
	}
	// aaaaaaa last served at +660: bbbbbbb's rollout took a minute.
	if !ds[1].Done.Equal(time.Unix(t0+660, 0)) || !ds[0].Done.IsZero() {
		t.Errorf("rollouts done at %s and %s, want zero and %s", ds[0].Done, ds[1].Done, time.Unix(t0+660, 0).UTC())
	}
}

func TestWindowKeepsTheRevisionRunningAtStart(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	ds, _, err := ParseLog([]byte(`[{"time":"2025-01-01T00:00:00Z","revision":"aaaaaaa"},{"time":"2025-01-03T00:00:00Z","revision":"bbbbbbb"},{"time":"2025-01-09T00:00:00Z","revision":"ccccccc"}]`))
	if err != nil {
		t.Fatal(err)
	}
	w := window(ds, day(2), day(8))
	if len(w) != 2 || w[0].Revision != "aaaaaaa" || w[1].Revision != "bbbbbbb" {
		t.Fatalf("window = %+v", w)
	}
	if _, _, err := ParseLog(nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty log: err = %v, want ErrEmpty", err)
	}
}

func TestLogCheckNamesSkippedRecords(t *testing.T) {
	p := t.TempDir() + "/deploys.json"
	body := `[{"time":"2025-01-01T00:00:00Z","revision":"aaaaaaa"},{"time":"yesterday","revision":"bbbbbbb"},{"time":"2025-01-03T00:00:00Z","revision":"HEAD"}]`
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	l := NewLog(p)
	notes, err := l.Check()
	want := []string{
		"deploy log " + p + `: record 2: time "yesterday" is not RFC 3339: skipped`,
		"deploy log " + p + `: record 3: revision "HEAD" is not a commit id: skipped`,
	}
	if err != nil || !slices.Equal(notes, want) {
		t.Errorf("Check() = %q, %v; want %q", notes, err, want)
	}
	ds, err := l.Deploys(t.Context(), "svc", time.Time{}, time.Time{})
	if err != nil || len(ds) != 1 || ds[0].Revision != "aaaaaaa" {
		t.Errorf("Deploys = %+v, %v; want the one good record", ds, err)
	}
}
