package offenseeval

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteTable prints one row per finding and the corpus's figures.
func (r Report) WriteTable(w io.Writer) error {
	sortFixes(r.Fixes)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tFUNCTION\tPATTERN\tPLANTED\tFIX\tBUILD\tTESTS\tESTIMATED\tMEASURED\tP\tWITHIN 2x")
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	for _, f := range r.Fixes {
		build, tests, est, meas, p, within := "-", "-", fmt.Sprintf("%.0f%%", 100*f.Estimated), "-", "-", "-"
		if f.Mechanical() {
			build, tests = yes(f.Built), yes(f.Tested)
		}
		if f.Benchmark != "" {
			meas, p, within = fmt.Sprintf("%.0f%%", 100*f.Measured), fmt.Sprintf("%.3f", f.P), yes(f.WithinTwo())
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Case, f.Function, f.Pattern, yes(f.Planted),
			f.Outcome, build, tests, est, meas, p, within)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, m := range r.Missed {
		fmt.Fprintf(w, "missed: %s in %s\n", m.Pattern, m.Function)
	}
	s := r.Summarize()
	fmt.Fprintf(w, "\ncases %d  findings %d  precision %s  recall %s\n", r.Cases, s.Findings,
		ratio(s.TruePositives, s.Findings), ratio(s.TruePositives, s.Planted))
	fmt.Fprintf(w, "mechanical fixes %d: build and pass tests %s  changed behaviour %d\n", s.Mechanical,
		ratio(s.Passing, s.Mechanical), s.ChangedBehaviour)
	_, err := fmt.Fprintf(w, "measured saving within 2x of the estimate %s\n", ratio(s.WithinTwo, s.Measured))
	return err
}

func ratio(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d (%.0f%%)", n, d, 100*float64(n)/float64(d))
}
