package detector

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

func TestScreen(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(-1)
	ok := Series{Labels: map[string]string{"s": "ok"}, Values: make([]float64, 20)}
	holes := Series{Labels: map[string]string{"s": "holes"}, Values: []float64{1, nan, 2, 3, inf, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, nan, nan, nan, nan, nan}}
	allNaN := Series{Labels: map[string]string{"s": "nan"}, Values: []float64{nan, nan, nan}}
	short := Series{Labels: map[string]string{"s": "short"}, Values: []float64{1, 2, 3}}
	tests := []struct {
		name   string
		in     []Series
		notes  []string
		noData bool
	}{
		{"clean", []Series{ok}, nil, false},
		{"holes", []Series{holes}, []string{`series {s="holes"}: skipped 7 of 20 points that are NaN or Inf, at index 1, 4, 15, 16, 17 and 2 more`}, false},
		{"all NaN", []Series{allNaN}, []string{`skipped 3 of 3`, `series {s="nan"}: no finite values`}, true},
		{"too short", []Series{short}, []string{`series {s="short"}: 3 finite values, too few to judge (need 12)`}, true},
		{"one usable of two", []Series{allNaN, ok}, []string{`skipped 3 of 3`, `no finite values`}, false},
		{"none", nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			notes, err := Screen(tt.in, Options{})
			if errors.Is(err, ErrNoData) != tt.noData {
				t.Fatalf("err = %v, want ErrNoData %v", err, tt.noData)
			}
			if len(notes) != len(tt.notes) {
				t.Fatalf("notes %q, want %d like %q", notes, len(tt.notes), tt.notes)
			}
			for i, w := range tt.notes {
				if !strings.Contains(notes[i], w) {
					t.Errorf("note %d %q lacks %q", i, notes[i], w)
				}
			}
		})
	}
}

func TestDetectContext(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 20_000)
	for i := range x {
		x[i] = r.NormFloat64() + float64(i/500%2)*3 // a ladder of steps: many passes
	}
	d := New(Options{})
	want := d.Detect(x, nil)
	got, err := d.DetectContext(context.Background(), x, nil)
	if err != nil || len(got) != len(want) {
		t.Fatalf("DetectContext without cancel: %d changes, %v; Detect found %d", len(got), err, len(want))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if cs, err := d.DetectContext(ctx, x, nil); !errors.Is(err, context.Canceled) || cs != nil {
		t.Errorf("cancelled: %d changes, %v; want none and context.Canceled", len(cs), err)
	}
	// Cancelled while the loops run: the result is dropped, and the
	// detector still works afterwards.
	ctx, cancel = context.WithCancel(context.Background())
	d.done = stop(ctx.Done())
	cancel()
	if cs := d.Detect(x, nil); cs != nil {
		t.Errorf("stopped detector returned %d changes", len(cs))
	}
	d.done = nil
	if again := d.Detect(x, nil); len(again) != len(want) {
		t.Errorf("after a stopped call: %d changes, want %d", len(again), len(want))
	}
}

// normalScores matches a plain sort-based ranking — ties share the mean
// score, −0 ties with +0 — on gaussian, heavy-tailed, quantised and
// signed-zero values, and on the long-series path.
func TestNormalScoresReference(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	rk := ranker{tables: make(map[int][]float64)}
	for rep := range 80 {
		n := []int{2, 13, 864, 5000, 100}[rep%5]
		x := make([]float64, n)
		for i := range x {
			switch rep % 4 {
			case 0:
				x[i] = r.NormFloat64()
			case 1:
				x[i] = r.NormFloat64() / math.Sqrt(r.ExpFloat64())
			case 2:
				x[i] = math.Round(r.NormFloat64() * 2)
			case 3:
				x[i] = []float64{0, math.Copysign(0, -1), 1, -1, 1e-300, -1e-300}[r.IntN(6)]
			}
		}
		want := make([]float64, n)
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
		for lo := 0; lo < n; {
			hi := lo + 1
			for hi < n && x[idx[hi]] == x[idx[lo]] {
				hi++
			}
			s := 0.0
			for k := lo; k < hi; k++ {
				s += normQuantile((float64(k) + 0.5) / float64(n))
			}
			for k := lo; k < hi; k++ {
				want[idx[k]] = s / float64(hi-lo)
			}
			lo = hi
		}
		got := make([]float64, n)
		rk.normalScores(x, got)
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("rep %d n=%d: score %d of %v is %v, want %v", rep, n, i, x[i], got[i], want[i])
			}
		}
	}
}
