package eval

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"sync"
	"text/tabwriter"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/detector/score"
)

// delayKs are the numbers of points after a true change at which a series
// is cut to measure how soon the detector reports the change.
func delayKs() []int { return []int{3, 6, 12, 24, 48} }

// DelayReport is the detection delay on a labelled set: each true change
// is looked for in its series cut k points after it (the change's point
// and the k−1 after it are the last the detector sees), for each k of Ks.
// The false alarms are counted on change-free stretches cut at the same
// offsets from an anchor 48 points (the largest k) before their end:
// the series with no change, whose cut at k=48 is the whole series, and
// the stretch of every other series before its first change, whose cut
// at k=48 ends just before it.
type DelayReport struct {
	// Ks are the offsets tried, ascending.
	Ks []int
	// BySize holds one row per shift size, ascending.
	BySize []DelayRow
	// NoChange and PreChange are the false alarms on the two kinds of
	// change-free stretch; FAPer100Days is the rate over both, all cuts.
	NoChange, PreChange NullCuts
	FAPer100Days        float64
}

// NullCuts counts the detections on change-free stretches, all of them
// false alarms: FalseAlarms[i] in the cuts at Ks[i], over Days[i]
// series-days.
type NullCuts struct {
	FalseAlarms []int
	Days        []float64
}

func (c *NullCuts) add(o NullCuts) {
	for i := range o.FalseAlarms {
		c.FalseAlarms[i] += o.FalseAlarms[i]
		c.Days[i] += o.Days[i]
	}
}

func (c NullCuts) total() (falseAlarms int, days float64) {
	for i := range c.FalseAlarms {
		falseAlarms += c.FalseAlarms[i]
		days += c.Days[i]
	}
	return falseAlarms, days
}

// DelayRow is the detection delay of the true changes of one shift size.
type DelayRow struct {
	ShiftSigma float64
	// Changes is how many true changes have this size; FirstFound[i] how
	// many were first found (same direction, within the placement
	// tolerance) in the cut at Ks[i]; Never how many no cut found.
	Changes    int
	FirstFound []int
	Never      int
	// Median and P90 are nearest-rank quantiles of the smallest k over
	// the changes, a change never found counting as later than any k;
	// −1 when the quantile falls on such a change.
	Median, P90 int
}

// delayCase is one labelled series to measure the delay on.
type delayCase struct {
	values []float64
	times  []int64
	truth  []score.Truth // ascending by index
}

// delayResult is what one series contributes: per true change the index
// into Ks of the first cut that found it (−1: none), and the detections
// on its change-free stretch (the whole series when it has no change).
type delayResult struct {
	first []int
	null  NullCuts
}

// delays measures the detection delay over cases with a pool of
// runtime.GOMAXPROCS workers, each with its own detector.
func delays(ctx context.Context, cases []delayCase, opts detector.Options) (DelayReport, error) {
	ks := delayKs()
	results := make([]delayResult, len(cases))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			det := detector.New(opts)
			for i := range jobs {
				results[i] = delayOf(ctx, det, cases[i], ks)
			}
		})
	}
feed:
	for i := range cases {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return DelayReport{}, fmt.Errorf("measure detection delay: %w", err)
	}
	return summariseDelays(cases, results, ks), nil
}

// delayOf re-runs det on the cuts of one series; on ctx's end it returns
// what it has.
func delayOf(ctx context.Context, det *detector.Detector, c delayCase, ks []int) delayResult {
	n := len(c.values)
	free := n // the change-free stretch
	if len(c.truth) > 0 {
		free = c.truth[0].Index
	}
	r := delayResult{first: make([]int, len(c.truth)), null: newNullCuts(len(ks))}
	last := ks[len(ks)-1]
	for i, k := range ks {
		end := free - last + k
		if end < 2 {
			continue
		}
		cs, err := det.DetectContext(ctx, c.values[:end], cut(c.times, end))
		if err != nil {
			return r
		}
		r.null.FalseAlarms[i] = len(cs)
		r.null.Days[i] = seriesDays(cut(c.times, end))
	}
	for j, t := range c.truth {
		r.first[j] = -1
		for i, k := range ks {
			end := t.Index + k
			if end > n {
				break
			}
			cs, err := det.DetectContext(ctx, c.values[:end], cut(c.times, end))
			if err != nil {
				return r
			}
			// The changes before the cut compete for the detections
			// as in the full scoring; the later ones are not there.
			found, _ := score.Match(c.truth[:j+1], detections(cs), tolerance)
			if found[j] {
				r.first[j] = i
				break
			}
		}
	}
	return r
}

func newNullCuts(n int) NullCuts {
	return NullCuts{FalseAlarms: make([]int, n), Days: make([]float64, n)}
}

// summariseDelays folds the per-series results into the report.
func summariseDelays(cases []delayCase, results []delayResult, ks []int) DelayReport {
	rep := DelayReport{Ks: ks, NoChange: newNullCuts(len(ks)), PreChange: newNullCuts(len(ks))}
	bySize := map[float64][]int{} // shift size -> first-found index per change
	for ci, r := range results {
		if len(cases[ci].truth) == 0 {
			rep.NoChange.add(r.null)
		} else {
			rep.PreChange.add(r.null)
		}
		for j, f := range r.first {
			s := cases[ci].truth[j].ShiftSigma
			bySize[s] = append(bySize[s], f)
		}
	}
	fa, days := rep.NoChange.total()
	pfa, pdays := rep.PreChange.total()
	rep.FAPer100Days = per100(fa+pfa, days+pdays)
	sizes := make([]float64, 0, len(bySize))
	for s := range bySize {
		sizes = append(sizes, s)
	}
	slices.Sort(sizes)
	for _, s := range sizes {
		rep.BySize = append(rep.BySize, delayRow(s, bySize[s], ks))
	}
	return rep
}

// delayRow summarises the first-found indices into Ks (−1: never) of the
// changes of one size.
func delayRow(size float64, first []int, ks []int) DelayRow {
	row := DelayRow{ShiftSigma: size, Changes: len(first), FirstFound: make([]int, len(ks))}
	sorted := make([]int, len(first))
	for i, f := range first {
		if f < 0 {
			row.Never++
			sorted[i] = len(ks) // after every k
			continue
		}
		row.FirstFound[f]++
		sorted[i] = f
	}
	slices.Sort(sorted)
	rank := func(p float64) int {
		i := sorted[max(0, int(math.Ceil(p*float64(len(sorted))))-1)]
		if i == len(ks) {
			return -1
		}
		return ks[i]
	}
	row.Median, row.P90 = rank(0.5), rank(0.9)
	return row
}

func detections(cs []detector.Change) []score.Detection {
	dets := make([]score.Detection, 0, len(cs))
	for _, ch := range cs {
		dets = append(dets, score.Detection{Index: ch.Index, Up: ch.Direction == detector.Up})
	}
	return dets
}

// cut is times[:n], or nil for a series without times.
func cut(times []int64, n int) []int64 {
	if times == nil {
		return nil
	}
	return times[:n]
}

// seriesDays is the span of times, counting the last point's step, in days.
func seriesDays(times []int64) float64 {
	n := len(times)
	if n < 2 {
		return 0
	}
	return float64(times[n-1]-times[0]+times[1]-times[0]) / 86400
}

// WriteTable prints one row per shift size — how many changes each cut
// found first, the median and p90 delay, the changes never found — and
// the false alarms on the cut no-change series.
func (r DelayReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	last := r.Ks[len(r.Ks)-1]
	fmt.Fprintf(tw, "detection delay (points after the change, first found within ±%d)\n", tolerance)
	fmt.Fprint(tw, "shift_sigma\tchanges")
	for _, k := range r.Ks {
		fmt.Fprintf(tw, "\tk=%d", k)
	}
	fmt.Fprintf(tw, "\tmedian\tp90\tnever by %d\n", last)
	points := func(k int) string {
		if k < 0 {
			return fmt.Sprintf(">%d", last)
		}
		return fmt.Sprint(k)
	}
	for _, row := range r.BySize {
		fmt.Fprintf(tw, "%g\t%d", row.ShiftSigma, row.Changes)
		for _, f := range row.FirstFound {
			fmt.Fprintf(tw, "\t%d", f)
		}
		fmt.Fprintf(tw, "\t%s\t%s\t%d\n", points(row.Median), points(row.P90), row.Never)
	}
	fmt.Fprintf(tw, "\nfalse alarms on change-free stretches cut %d-k points before their end (per 100 series-days)\n", last)
	fmt.Fprintln(tw, "k\tno-change series\tbefore the first change\tboth")
	cell := func(fa int, days float64) string {
		return fmt.Sprintf("%d in %.0f days (%.2f)", fa, days, per100(fa, days))
	}
	row := func(name string, fa int, days float64, pfa int, pdays float64) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\n", name, cell(fa, days), cell(pfa, pdays), per100(fa+pfa, days+pdays))
	}
	for i, k := range r.Ks {
		row(fmt.Sprint(k), r.NoChange.FalseAlarms[i], r.NoChange.Days[i], r.PreChange.FalseAlarms[i], r.PreChange.Days[i])
	}
	fa, days := r.NoChange.total()
	pfa, pdays := r.PreChange.total()
	row("all", fa, days, pfa, pdays)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write detection delay table: %w", err)
	}
	return nil
}

func per100(n int, days float64) float64 {
	if days == 0 {
		return 0
	}
	return 100 * float64(n) / days
}
