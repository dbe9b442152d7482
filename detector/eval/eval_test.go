package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/detector"
)

// writeJSON marshals v into dir/name, creating directories.
func writeJSON(t *testing.T, dir, name string, v any) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// perfCase is one generated perfseries case.
type perfCase struct {
	name  string
	steps map[int]float64 // index -> shift in noise sigmas
}

// writePerfSet writes a perfseries directory (series.json as a query_range
// matrix, truth.json) with 864-point gaussian series at a 300 s step.
func writePerfSet(t *testing.T, cases []perfCase) string {
	t.Helper()
	dir := t.TempDir()
	type change struct {
		Index      int     `json:"index"`
		Direction  string  `json:"direction"`
		ShiftSigma float64 `json:"shift_sigma"`
	}
	type tcase struct {
		Profile string   `json:"profile"`
		Sigma   float64  `json:"sigma"`
		Changes []change `json:"changes"`
	}
	truth := map[string]any{"step_seconds": 300, "n_points": 864}
	tc := map[string]tcase{}
	var result []map[string]any
	for ci, c := range cases {
		r := rand.New(rand.NewPCG(uint64(ci), 9))
		level := 10.0
		var values [][2]any
		for i := range 864 {
			level += 0.5 * c.steps[i]
			values = append(values, [2]any{1_760_000_000 + i*300, fmt.Sprintf("%g", level+0.5*r.NormFloat64())})
		}
		result = append(result, map[string]any{"metric": map[string]string{"case": c.name}, "values": values})
		x := tcase{Profile: "gaussian", Sigma: 0.5, Changes: []change{}}
		for i, s := range c.steps {
			d := "up"
			if s < 0 {
				d = "down"
			}
			x.Changes = append(x.Changes, change{i, d, math.Abs(s)})
		}
		tc[c.name] = x
	}
	truth["cases"] = tc
	writeJSON(t, dir, "series.json", map[string]any{"status": "success",
		"data": map[string]any{"resultType": "matrix", "result": result}})
	writeJSON(t, dir, "truth.json", truth)
	return dir
}

func TestPerfSeries(t *testing.T) {
	dir := writePerfSet(t, []perfCase{
		{"c1", map[int]float64{300: 4}},
		{"c2", map[int]float64{500: -5}},
		{"c3", nil},
		{"c4", nil},
	})
	rep, err := PerfSeries(context.Background(), dir, detector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Series != 4 || rep.Truths != 2 || rep.TruePositives != 2 || rep.Detections != 2 {
		t.Fatalf("report %+v: want 4 series, 2 truths found by 2 detections", rep)
	}
	if rep.Precision != 1 || rep.Recall != 1 || rep.F1 != 1 || rep.FAPer100Days != 0 || rep.MDE90 != 4 {
		t.Errorf("P %.3f R %.3f F1 %.3f FA %.2f MDE90 %g; want 1, 1, 1, 0, 4", rep.Precision, rep.Recall, rep.F1, rep.FAPer100Days, rep.MDE90)
	}
	if rep.Limit != 1 || rep.StationaryF1 != 1 || rep.PlacedBySize[4] != [2]int{1, 1} || rep.PlacedBySize[5] != [2]int{1, 1} {
		t.Errorf("oracle placed %v, limit %.3f; want both large steps placed", rep.PlacedBySize, rep.Limit)
	}
	if rep.NoChangeDays != 6 || rep.RecallBySize[5] != [2]int{1, 1} || rep.ByProfile["gaussian"] != [3]int{2, 2, 0} {
		t.Errorf("days %g, by size %v, by profile %v", rep.NoChangeDays, rep.RecallBySize, rep.ByProfile)
	}
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if d := rep.Delay.BySize; len(d) != 2 || d[0].ShiftSigma != 4 || d[0].Never != 0 || d[1].ShiftSigma != 5 || d[1].Never != 0 {
		t.Errorf("delay rows %+v: want the 4 and 5 sigma steps found", d)
	}
	for _, want := range []string{"F1", "1.000", "MDE90", "4 sigma", "gaussian", "stationary-noise", "oracle", "detection delay"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table %q lacks %q", b.String(), want)
		}
	}
}

func TestOraclePlace(t *testing.T) {
	for _, c := range []struct {
		v      []float64
		k      int
		up     bool
		reason string
	}{
		{[]float64{1, 1.1, 0.9, 1, 5, 5.2, 4.9, 5.1}, 4, true, "a clean step up"},
		{[]float64{9, 9.5, 8.8, 9.1, 9.2, 2, 2.1, 1.9}, 5, false, "a clean step down"},
		{[]float64{1, 1.1, 1000, 0.9, 1, 1.05, 0.95, 1, 3, 3.1, 2.9, 3, 3.05, 2.95, 3}, 8, true, "an outlier before the step does not move it"},
	} {
		if k, up := oraclePlace(c.v); k != c.k || up != c.up {
			t.Errorf("%s: placed at %d up=%v, want %d up=%v", c.reason, k, up, c.k, c.up)
		}
	}
	if k, _ := oraclePlace([]float64{1}); k != -1 {
		t.Errorf("one point placed at %d, want -1", k)
	}
}

func TestPerfSeriesErrors(t *testing.T) {
	dir := writePerfSet(t, []perfCase{{"c1", nil}})
	writeJSON(t, dir, "truth.json", map[string]any{"cases": map[string]any{}})
	if _, err := PerfSeries(context.Background(), dir, detector.Options{}); err == nil || !strings.Contains(err.Error(), `no truth for series {case="c1"}`) {
		t.Errorf("missing truth: %v", err)
	}
	if _, err := PerfSeries(context.Background(), t.TempDir(), detector.Options{}); err == nil || !strings.Contains(err.Error(), "series.json") {
		t.Errorf("missing files: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := PerfSeries(ctx, writePerfSet(t, []perfCase{{"c1", nil}}), detector.Options{}); err == nil {
		t.Error("a cancelled context did not stop the evaluation")
	}
}

// writeTCPD writes a TCPD dataset directory with one dataset per name:
// values and the annotators' change points.
func writeTCPD(t *testing.T, sets map[string][]float64, ann map[string]map[string][]int) string {
	t.Helper()
	dir := t.TempDir()
	for name, v := range sets {
		idx := make([]int, len(v))
		for i := range idx {
			idx[i] = i
		}
		writeJSON(t, dir, filepath.Join("datasets", name, name+".json"), map[string]any{
			"name": name, "n_obs": len(v), "n_dim": 1, "time": map[string]any{"index": idx},
			"series": []map[string]any{{"label": "V1", "type": "float", "raw": v}},
		})
	}
	writeJSON(t, dir, "annotations.json", ann)
	return dir
}

func TestTCPD(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	step := make([]float64, 200)
	flat := make([]float64, 100)
	for i := range step {
		step[i] = r.NormFloat64()
		if i >= 120 {
			step[i] += 8
		}
	}
	for i := range flat {
		flat[i] = r.NormFloat64()
	}
	dir := writeTCPD(t, map[string][]float64{"step": step, "flat": flat}, map[string]map[string][]int{
		"step": {"1": {120}, "2": {120}},
		"flat": {"1": {}, "2": {50}},
	})
	rep, err := TCPD(context.Background(), dir, []string{"step", "flat"}, detector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 2 || fmt.Sprint(rep.Results[0].Predicted) != "[120]" || rep.Results[1].Predicted != nil {
		t.Fatalf("results %+v: want [120] and nothing", rep.Results)
	}
	// step: every annotation found, F1 1 and a perfect cover. flat: one
	// annotator marked 50, so recall is (1 + 1/2)/2 and precision 1.
	if rep.Results[0].F1 != 1 || rep.Results[0].Cover != 1 {
		t.Errorf("step: F1 %.3f cover %.3f, want 1, 1", rep.Results[0].F1, rep.Results[0].Cover)
	}
	if f := rep.Results[1].F1; math.Abs(f-2*0.75/1.75) > 1e-9 {
		t.Errorf("flat: F1 %.4f, want %.4f", f, 2*0.75/1.75)
	}
	if want := (1 + rep.Results[1].F1) / 2; math.Abs(rep.MeanF1-want) > 1e-9 {
		t.Errorf("mean F1 %.4f, want %.4f", rep.MeanF1, want)
	}
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "MEAN (2 datasets)") || !strings.Contains(b.String(), "[120]") {
		t.Errorf("table %q", b.String())
	}
	if _, err := TCPD(context.Background(), dir, []string{"absent"}, detector.Options{}); err == nil || !strings.Contains(err.Error(), "absent") {
		t.Errorf("absent dataset: %v", err)
	}
}
