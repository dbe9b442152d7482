package eval

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/score"
)

// stepCase is 864 points of unit gaussian noise at a 300 s step, the
// level moving by shift at index at (no change when shift is 0).
func stepCase(seed uint64, at int, shift float64) delayCase {
	r := rand.New(rand.NewPCG(seed, 17))
	c := delayCase{values: make([]float64, 864), times: make([]int64, 864)}
	for i := range c.values {
		c.values[i] = 10 + r.NormFloat64()
		if shift != 0 && i >= at {
			c.values[i] += shift
		}
		c.times[i] = 1_760_000_000 + int64(i)*300
	}
	if shift != 0 {
		c.truth = []score.Truth{{Index: at, Up: shift > 0, ShiftSigma: max(shift, -shift)}}
	}
	return c
}

func TestDelays(t *testing.T) {
	var cases []delayCase
	for seed := range uint64(4) {
		cases = append(cases, stepCase(seed, 300+40*int(seed), 3), stepCase(100+seed, 0, 0))
	}
	cases = append(cases, stepCase(9, 500, -3))
	rep, err := delays(context.Background(), cases, detector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.BySize) != 1 {
		t.Fatalf("rows %+v: want one, for 3 sigma (no row for the series without a step)", rep.BySize)
	}
	row := rep.BySize[0]
	early := row.FirstFound[0] + row.FirstFound[1] // k = 3 or 6
	if row.ShiftSigma != 3 || row.Changes != 5 || early != 5 || row.Never != 0 || row.Median > 6 || row.P90 > 6 || row.Median < 0 {
		t.Errorf("3 sigma row %+v: want all 5 steps found by k=6", row)
	}
	if d := rep.NoChange.Days; len(d) != 5 || d[4] != 4*3 || d[0] >= d[4] {
		t.Errorf("no-change series-days %v: want 12 days uncut at k=48, fewer at k=3", d)
	}
	// The cuts at k=48 end just before the steps at 300, 340, 380, 420
	// and 500: 1,940 points of 300 s.
	if d := rep.PreChange.Days; len(d) != 5 || d[4] != 1940*300.0/86400 {
		t.Errorf("pre-change series-days %v: want %g at k=48", d, 1940*300.0/86400)
	}
	fa, _ := rep.NoChange.total()
	pfa, _ := rep.PreChange.total()
	if fa != 0 || pfa != 0 || rep.FAPer100Days != 0 {
		t.Errorf("false alarms %v and %v (%.2f / 100 days) on gaussian noise, want none", rep.NoChange, rep.PreChange, rep.FAPer100Days)
	}
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"detection delay", "k=6", "median", "never by 48", "series-days", "before the first change", "all"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table %q lacks %q", b.String(), want)
		}
	}
}

func TestDelaysNoStep(t *testing.T) {
	rep, err := delays(context.Background(), []delayCase{stepCase(1, 0, 0)}, detector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.BySize) != 0 {
		t.Errorf("rows %+v for a series without a step, want none", rep.BySize)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := delays(ctx, []delayCase{stepCase(1, 400, 3)}, detector.Options{}); err == nil {
		t.Error("a cancelled context did not stop the delay measurement")
	}
}

func TestDelayRow(t *testing.T) {
	ks := delayKs() // 3, 6, 12, 24, 48
	for _, c := range []struct {
		name        string
		first       []int // index into ks, −1 never
		median, p90 int
		never       int
	}{
		{"all at k=6", []int{1, 1, 1}, 6, 6, 0},
		{"nearest rank", []int{0, 1, 1, 2, 2, 2, 3, 3, 4, 4}, 12, 48, 0},
		{"a miss in the tail", []int{0, 1, 1, -1}, 6, -1, 1},
		{"mostly missed", []int{-1, -1, 2}, -1, -1, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			row := delayRow(2, c.first, ks)
			if row.Median != c.median || row.P90 != c.p90 || row.Never != c.never || row.Changes != len(c.first) {
				t.Errorf("row %+v: want median %d, p90 %d, never %d", row, c.median, c.p90, c.never)
			}
		})
	}
}
