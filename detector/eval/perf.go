package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/prom"
	"github.com/wattson-dev/wattson/detector/score"
)

// perfTruth is truth.json of the perfseries set.
type perfTruth struct {
	StepSeconds int `json:"step_seconds"`
	NPoints     int `json:"n_points"`
	Cases       map[string]struct {
		Profile string  `json:"profile"`
		Sigma   float64 `json:"sigma"`
		Changes []struct {
			Index      int     `json:"index"`
			Direction  string  `json:"direction"`
			ShiftSigma float64 `json:"shift_sigma"`
		} `json:"changes"`
	} `json:"cases"`
}

// PerfReport is the score of the detector on the perfseries set.
type PerfReport struct {
	Series, Truths, Detections, TruePositives int
	Precision, Recall, F1                     float64
	// RecallBySize maps shift_sigma to [found, total].
	RecallBySize map[float64][2]int
	// FalseAlarmsNoChange counts detections on series with no true change,
	// over NoChangeDays series-days; FAPer100Days is their rate.
	FalseAlarmsNoChange int
	NoChangeDays        float64
	FAPer100Days        float64
	MDE90               float64
	// ByProfile maps a noise profile to [true positives, truths, false alarms].
	ByProfile map[string][3]int
}

// PerfSeries runs the detector with opts over dir/series.json and scores it
// against dir/truth.json (same direction within ±6 steps).
func PerfSeries(ctx context.Context, dir string, opts detector.Options) (PerfReport, error) {
	series, err := prom.ReadFile(filepath.Join(dir, "series.json"))
	if err != nil {
		return PerfReport{}, fmt.Errorf("evaluate perfseries: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		return PerfReport{}, fmt.Errorf("evaluate perfseries: %w", err)
	}
	var truth perfTruth
	if err := json.Unmarshal(b, &truth); err != nil {
		return PerfReport{}, fmt.Errorf("evaluate perfseries: decode truth: %w", err)
	}
	det := detector.New(opts)
	rep := PerfReport{RecallBySize: map[float64][2]int{}, ByProfile: map[string][3]int{}}
	for _, s := range series {
		if err := ctx.Err(); err != nil {
			return PerfReport{}, fmt.Errorf("evaluate perfseries: %w", err)
		}
		c, ok := truth.Cases[s.Labels["case"]]
		if !ok {
			return PerfReport{}, fmt.Errorf("evaluate perfseries: no truth for series %s", detector.LabelsKey(s.Labels))
		}
		var tr []score.Truth
		for _, ch := range c.Changes {
			tr = append(tr, score.Truth{Index: ch.Index, Up: ch.Direction == "up", ShiftSigma: ch.ShiftSigma})
		}
		var dets []score.Detection
		for _, ch := range det.Detect(s.Values, s.Times) {
			dets = append(dets, score.Detection{Index: ch.Index, Up: ch.Direction == detector.Up})
		}
		found, fa := score.Match(tr, dets, 6)
		rep.Series++
		rep.Truths += len(tr)
		rep.Detections += len(dets)
		bp := rep.ByProfile[c.Profile]
		for i, f := range found {
			r := rep.RecallBySize[tr[i].ShiftSigma]
			r[1]++
			bp[1]++
			if f {
				r[0]++
				bp[0]++
				rep.TruePositives++
			}
			rep.RecallBySize[tr[i].ShiftSigma] = r
		}
		bp[2] += fa
		rep.ByProfile[c.Profile] = bp
		if len(tr) == 0 {
			rep.FalseAlarmsNoChange += fa
			if n := len(s.Times); n > 1 {
				rep.NoChangeDays += float64(s.Times[n-1]-s.Times[0]+s.Times[1]-s.Times[0]) / 86400
			}
		}
	}
	rep.Precision, rep.Recall, rep.F1 = score.PR(rep.TruePositives, rep.Detections, rep.Truths)
	if rep.NoChangeDays > 0 {
		rep.FAPer100Days = 100 * float64(rep.FalseAlarmsNoChange) / rep.NoChangeDays
	}
	rec := map[float64]float64{}
	for s, r := range rep.RecallBySize {
		rec[s] = float64(r[0]) / float64(r[1])
	}
	rep.MDE90 = score.MDE90(rec)
	return rep, nil
}

// WriteTable prints the summary, recall by shift size and per-profile counts.
func (r PerfReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "series\t%d\n", r.Series)
	fmt.Fprintf(tw, "true changes\t%d\n", r.Truths)
	fmt.Fprintf(tw, "detections\t%d\n", r.Detections)
	fmt.Fprintf(tw, "precision\t%.3f\n", r.Precision)
	fmt.Fprintf(tw, "recall\t%.3f\n", r.Recall)
	fmt.Fprintf(tw, "F1\t%.3f\n", r.F1)
	fmt.Fprintf(tw, "false alarms / 100 series-days (no-change series)\t%.2f (%d in %.0f days)\n", r.FAPer100Days, r.FalseAlarmsNoChange, r.NoChangeDays)
	mde := "none"
	if !math.IsInf(r.MDE90, 1) {
		mde = fmt.Sprintf("%g sigma", r.MDE90)
	}
	fmt.Fprintf(tw, "MDE90\t%s\n\n", mde)
	fmt.Fprintln(tw, "shift_sigma\tfound\ttotal\trecall")
	sizes := make([]float64, 0, len(r.RecallBySize))
	for s := range r.RecallBySize {
		sizes = append(sizes, s)
	}
	slices.Sort(sizes)
	for _, s := range sizes {
		x := r.RecallBySize[s]
		fmt.Fprintf(tw, "%g\t%d\t%d\t%.3f\n", s, x[0], x[1], float64(x[0])/float64(x[1]))
	}
	fmt.Fprintln(tw, "\nprofile\tfound\ttotal\tfalse alarms")
	for _, p := range sortedKeys(r.ByProfile) {
		x := r.ByProfile[p]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", p, x[0], x[1], x[2])
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write perfseries table: %w", err)
	}
	return nil
}
