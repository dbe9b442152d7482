package tcpd

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const good = `{"name": "toy", "n_obs": 3, "n_dim": 1,
 "time": {"type": "string", "format": "%Y-%m", "index": [0, 1, 2], "raw": ["2000-01", "2000-02", "2000-03"]},
 "series": [{"label": "V1", "type": "float", "raw": [1.5, null, 3]}]}`

var parseTests = []struct {
	name    string
	in      string
	wantErr string
}{
	{name: "good", in: good},
	{name: "empty", in: "  ", wantErr: "empty input"},
	{name: "syntax", in: "{\n \"name\": \"x\",\n \"n_obs\": 3,,\n}", wantErr: "line 3 column"},
	{name: "wrong type", in: `{"name": "x", "n_obs": "three"}`, wantErr: "line 1 column"},
	{name: "no series", in: `{"name": "x", "n_obs": 3, "series": []}`, wantErr: "no data"},
	{name: "short series", in: `{"name": "x", "n_obs": 3, "series": [{"raw": [1, 2]}]}`, wantErr: "series 0: 2 values, n_obs 3"},
	{name: "bad date", in: `{"name": "x", "n_obs": 1, "time": {"format": "%Y", "raw": ["year"]}, "series": [{"raw": [1]}]}`, wantErr: `time 0: "year"`},
	{name: "no name", in: `{"n_obs": 1, "series": [{"raw": [1]}]}`, wantErr: "missing name"},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := d.Series[0]
			if d.Name != "toy" || s.Labels["dataset"] != "toy" || len(s.Labels) != 1 {
				t.Errorf("name %q labels %v", d.Name, s.Labels)
			}
			if s.Values[0] != 1.5 || !math.IsNaN(s.Values[1]) || s.Values[2] != 3 {
				t.Errorf("values %v, want [1.5 NaN 3]", s.Values)
			}
			if s.Times[0] != 946684800 || s.Times[1] <= s.Times[0] {
				t.Errorf("times %v", s.Times)
			}
		})
	}
}

func TestReadAnnotations(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "annotations.json")
	if err := os.WriteFile(p, []byte(`{"toy": {"1": [10, 20], "2": []}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := ReadAnnotations(p)
	if err != nil || len(a["toy"]["1"]) != 2 || len(a["toy"]["2"]) != 0 {
		t.Fatalf("got %v, %v", a, err)
	}
	if err := os.WriteFile(p, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadAnnotations(p); !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), p) {
		t.Errorf("err = %v, want ErrEmpty naming the file", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := Parse(in)
		if err != nil {
			return
		}
		for _, s := range d.Series {
			if len(s.Values) == 0 || s.Times != nil && len(s.Times) != len(s.Values) {
				t.Fatalf("accepted %d values, %d times", len(s.Values), len(s.Times))
			}
		}
	})
}
