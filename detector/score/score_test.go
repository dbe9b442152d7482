package score

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestF1(t *testing.T) {
	tests := []struct {
		name        string
		annotations [][]int
		predictions []int
		f, p, r     float64
	}{
		// X={0,11,50}; union {0,10,20}: 0 and 10 matched, P=2/3.
		// Annotator {0,10}: recall 1; {0,20}: 1/2; R=3/4; F=12/17.
		{"one hit one miss", [][]int{{10}, {20}}, []int{11, 50}, 12.0 / 17, 2.0 / 3, 0.75},
		// Predicting nothing: P=1, R=(1/2+1)/2, F=6/7.
		{"zero", [][]int{{10}, {}}, nil, 6.0 / 7, 1, 0.75},
		// Margin is inclusive: 15 is exactly 5 from 10.
		{"margin edge", [][]int{{10}}, []int{15}, 1, 1, 1},
		{"just outside", [][]int{{10}}, []int{16}, 2 * 0.5 * 0.5 / 1, 0.5, 0.5},
		// Two predictions near one annotation: only one counts.
		{"one match per annotation", [][]int{{10}}, []int{9, 11}, 2 * (2.0 / 3) * 1 / (2.0/3 + 1), 2.0 / 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, p, r := F1(tt.annotations, tt.predictions, 5)
			if !near(f, tt.f) || !near(p, tt.p) || !near(r, tt.r) {
				t.Errorf("F1 = %v, P = %v, R = %v; want %v, %v, %v", f, p, r, tt.f, tt.p, tt.r)
			}
		})
	}
}

func TestCover(t *testing.T) {
	tests := []struct {
		name        string
		annotations [][]int
		predictions []int
		n           int
		want        float64
	}{
		// Truth [0,5),[5,10); predicted [0,3),[3,10):
		// (5·3/5 + 5·5/7) / 10 = 46/70.
		{"one annotator", [][]int{{5}}, []int{3}, 10, 46.0 / 70},
		// A second annotator with no change: [0,10) vs best [3,10) = 7/10.
		{"two annotators", [][]int{{5}, {}}, []int{3}, 10, (46.0/70 + 0.7) / 2},
		{"exact", [][]int{{4, 7}}, []int{4, 7}, 10, 1},
		{"nothing predicted", [][]int{{5}}, nil, 10, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Cover(tt.annotations, tt.predictions, tt.n); !near(got, tt.want) {
				t.Errorf("Cover = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	truth := []Truth{{Index: 100, Up: true}, {Index: 300, Up: false}, {Index: 500, Up: true}}
	det := []Detection{
		{Index: 104, Up: true},  // matches 100
		{Index: 98, Up: true},   // closer to 100: takes it, 104 becomes a false alarm
		{Index: 300, Up: true},  // wrong direction: false alarm
		{Index: 507, Up: true},  // 7 away: false alarm
		{Index: 800, Up: false}, // nowhere near: false alarm
	}
	found, fa := Match(truth, det, 6)
	if want := []bool{true, false, false}; !equalBools(found, want) {
		t.Errorf("found = %v, want %v", found, want)
	}
	if fa != 4 {
		t.Errorf("false alarms = %d, want 4", fa)
	}
}

func TestPR(t *testing.T) {
	p, r, f := PR(3, 4, 6)
	if !near(p, 0.75) || !near(r, 0.5) || !near(f, 0.6) {
		t.Errorf("PR = %v %v %v, want 0.75 0.5 0.6", p, r, f)
	}
}

func TestMDE90(t *testing.T) {
	tests := []struct {
		recall map[float64]float64
		want   float64
	}{
		{map[float64]float64{0.5: 0.95, 1: 0.8, 2: 0.95, 3: 1}, 2},
		{map[float64]float64{0.5: 0.9, 1: 0.9}, 0.5},
		{map[float64]float64{0.5: 1, 1: 0.5}, math.Inf(1)},
	}
	for _, tt := range tests {
		if got := MDE90(tt.recall); got != tt.want {
			t.Errorf("MDE90(%v) = %v, want %v", tt.recall, got, tt.want)
		}
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
