package csvseries

import (
	"errors"
	"math"
	"strings"
	"testing"
)

var parseTests = []struct {
	name    string
	in      string
	times   []int64
	values  []float64
	wantErr string
}{
	{name: "unix", in: "time,value\n100,1.5\n200,2\n", times: []int64{100, 200}, values: []float64{1.5, 2}},
	{name: "rfc3339", in: "ts,v\n1970-01-01T00:01:40Z,1\n1970-01-01T00:03:20+00:00,NaN\n", times: []int64{100, 200}, values: []float64{1, math.NaN()}},
	{name: "fractional unix", in: "time,value\n100.4,1\n", times: []int64{100}, values: []float64{1}},
	{name: "empty", in: "", wantErr: "empty input"},
	{name: "header only", in: "time,value\n", wantErr: "header only"},
	{name: "no header", in: "100,1\n200,2\n", wantErr: "line 1: want a header row"},
	{name: "bad value", in: "time,value\n100,1\n200,abc\n", wantErr: `line 3: value "abc"`},
	{name: "bad time", in: "time,value\n100,1\nyesterday,2\n", wantErr: `line 3: time "yesterday"`},
	{name: "three fields", in: "time,value\n100,1,2\n", wantErr: "line 2"},
	{name: "backwards", in: "time,value\n200,1\n100,2\n", wantErr: "line 3: time 100 is not after"},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(strings.NewReader(tt.in), "cpu")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Labels["series"] != "cpu" || len(s.Values) != len(tt.values) {
				t.Fatalf("got %+v", s)
			}
			for i := range tt.values {
				if s.Times[i] != tt.times[i] || !(s.Values[i] == tt.values[i] || math.IsNaN(s.Values[i]) && math.IsNaN(tt.values[i])) {
					t.Errorf("point %d = (%d, %v), want (%d, %v)", i, s.Times[i], s.Values[i], tt.times[i], tt.values[i])
				}
			}
		})
	}
}

func TestParseEmptyIsErrEmpty(t *testing.T) {
	if _, err := Parse(strings.NewReader(""), "x"); !errors.Is(err, ErrEmpty) {
		t.Errorf("err = %v, want ErrEmpty", err)
	}
}

func TestReadFileNamesFile(t *testing.T) {
	_, err := ReadFile("testdata-missing.csv")
	if err == nil || !strings.Contains(err.Error(), "testdata-missing.csv") {
		t.Errorf("err = %v, want it to name the file", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(strings.NewReader(in), "f")
		if err != nil {
			return
		}
		if len(s.Values) == 0 || len(s.Times) != len(s.Values) {
			t.Fatalf("accepted %d values and %d times", len(s.Values), len(s.Times))
		}
		for i := 1; i < len(s.Times); i++ {
			if s.Times[i] <= s.Times[i-1] {
				t.Fatal("times not ascending")
			}
		}
	})
}
