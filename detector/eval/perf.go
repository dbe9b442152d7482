package eval

import (
	"cmp"
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
	// PlacedBySize maps shift_sigma to [placed, total]: of the true
	// changes in series whose noise is stationary (no daily cycle, drift
	// or spike), how many an oracle places within the tolerance (see
	// oraclePlace) — about the most a detector can expect to find of that
	// size. Limit is that share overall, which is also the oracle's F1
	// there (each misplaced change is one miss and one false alarm);
	// StationaryF1 is the detector's F1 on the same series.
	PlacedBySize map[float64][2]int
	Limit        float64
	StationaryF1 float64
	// FalseAlarmsNoChange counts detections on series with no true change,
	// over NoChangeDays series-days; FAPer100Days is their rate.
	FalseAlarmsNoChange int
	NoChangeDays        float64
	FAPer100Days        float64
	MDE90               float64
	// ByProfile maps a noise profile to [true positives, truths, false alarms].
	ByProfile map[string][3]int
	// Delay is how many points after each true change the detector needs
	// to report it.
	Delay DelayReport
}

// PerfSeries runs the detector with opts over dir/series.json and scores it
// against dir/truth.json (same direction within ±6 steps), and measures
// its detection delay on the same series.
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
	rep := PerfReport{RecallBySize: map[float64][2]int{}, PlacedBySize: map[float64][2]int{}, ByProfile: map[string][3]int{}}
	placed, placeable := 0, 0
	var cases []delayCase
	var stTP, stDet int // true positives and detections on stationary series
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
		cases = append(cases, delayCase{s.Values, s.Times, slices.SortedStableFunc(slices.Values(tr), byIndex)})
		dets := detections(det.Detect(s.Values, s.Times))
		found, fa := score.Match(tr, dets, tolerance)
		if stationary(c.Profile) {
			stDet += len(dets)
			for _, f := range found {
				if f {
					stTP++
				}
			}
		}
		for i, t := range tr {
			if !stationary(c.Profile) {
				break
			}
			p := rep.PlacedBySize[t.ShiftSigma]
			p[1]++
			placeable++
			lo, hi := 0, len(s.Values)
			if i > 0 {
				lo = tr[i-1].Index
			}
			if i+1 < len(tr) {
				hi = tr[i+1].Index
			}
			if k, up := oraclePlace(s.Values[lo:hi]); k >= 0 && up == t.Up && abs(lo+k-t.Index) <= tolerance {
				p[0]++
				placed++
			}
			rep.PlacedBySize[t.ShiftSigma] = p
		}
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
	if placeable > 0 {
		rep.Limit = float64(placed) / float64(placeable)
		_, _, rep.StationaryF1 = score.PR(stTP, stDet, placeable)
	}
	if rep.NoChangeDays > 0 {
		rep.FAPer100Days = 100 * float64(rep.FalseAlarmsNoChange) / rep.NoChangeDays
	}
	rec := map[float64]float64{}
	for s, r := range rep.RecallBySize {
		rec[s] = float64(r[0]) / float64(r[1])
	}
	rep.MDE90 = score.MDE90(rec)
	if rep.Delay, err = delays(ctx, cases, opts); err != nil {
		return PerfReport{}, fmt.Errorf("evaluate perfseries: %w", err)
	}
	return rep, nil
}

func byIndex(a, b score.Truth) int { return a.Index - b.Index }

// tolerance is the perfseries matching tolerance, in steps.
const tolerance = 6

// oraclePlace returns where an oracle that knows a segment holds exactly
// one change puts it — the split maximising the standardised CUSUM of the
// values' ranks, which is the likelihood-ratio placement for a step in
// noise of any shape — and whether the level goes up; k is −1 for a
// segment shorter than two points. Run on the segment between a true
// change's neighbours, it shows how often the data themselves place the
// change within the tolerance: noise moves the best split of a 0.6σ step
// by more than six points about four times in ten, whatever the method.
func oraclePlace(v []float64) (k int, up bool) {
	n := len(v)
	if n < 2 {
		return -1, false
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(v[a], v[b]) })
	r := make([]float64, n)
	for rank, i := range idx {
		r[i] = float64(rank)
	}
	total := float64(n-1) * float64(n) / 2
	best, sum := -1.0, 0.0
	for j := 1; j < n; j++ {
		sum += r[j-1]
		d := sum - float64(j)/float64(n)*total // ranks before j above their share: a fall
		t := math.Abs(d) / math.Sqrt(float64(j)*float64(n-j)/float64(n))
		if t > best {
			best, k, up = t, j, d < 0
		}
	}
	return k, up
}

// stationary reports whether a perfseries noise profile has no daily
// cycle, drift or transient spike, so that one split of the raw ranks is
// the right oracle for its changes.
func stationary(profile string) bool {
	switch profile {
	case "seasonal", "drift", "transient":
		return false
	}
	return true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
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
	fmt.Fprintf(tw, "F1 on stationary-noise series: detector / oracle\t%.3f / %.3f\n", r.StationaryF1, r.Limit)
	fmt.Fprintf(tw, "false alarms / 100 series-days (no-change series)\t%.2f (%d in %.0f days)\n", r.FAPer100Days, r.FalseAlarmsNoChange, r.NoChangeDays)
	mde := "none"
	if !math.IsInf(r.MDE90, 1) {
		mde = fmt.Sprintf("%g sigma", r.MDE90)
	}
	fmt.Fprintf(tw, "MDE90\t%s\n\n", mde)
	fmt.Fprintln(tw, "shift_sigma\tfound\ttotal\trecall\toracle")
	sizes := make([]float64, 0, len(r.RecallBySize))
	for s := range r.RecallBySize {
		sizes = append(sizes, s)
	}
	slices.Sort(sizes)
	for _, s := range sizes {
		x := r.RecallBySize[s]
		oracle := "-"
		if p := r.PlacedBySize[s]; p[1] > 0 {
			oracle = fmt.Sprintf("%.3f (%d/%d)", float64(p[0])/float64(p[1]), p[0], p[1])
		}
		fmt.Fprintf(tw, "%g\t%d\t%d\t%.3f\t%s\n", s, x[0], x[1], float64(x[0])/float64(x[1]), oracle)
	}
	fmt.Fprintln(tw, "\nprofile\tfound\ttotal\tfalse alarms")
	for _, p := range sortedKeys(r.ByProfile) {
		x := r.ByProfile[p]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", p, x[0], x[1], x[2])
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write perfseries table: %w", err)
	}
	if r.Delay.Ks == nil {
		return nil
	}
	fmt.Fprintln(w)
	return r.Delay.WriteTable(w)
}
