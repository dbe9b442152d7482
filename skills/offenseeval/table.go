package offenseeval

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the report as `wattson eval offense` prints it: a row
// per finding, then the scores.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "service\tfunction\tpattern\tplanted\tfix\tbuild\ttests\testimated\tmeasured\tp\tratio")
	for _, row := range r.Rows {
		fn := row.Function[strings.LastIndexByte(row.Function, '/')+1:]
		est, meas, p, rat := fmt.Sprintf("%.0f%%", 100*row.Estimated), "-", "-", "-"
		if row.Outcome == "prepared" && (row.Measured != 0 || row.P != 0) {
			meas, p, rat = fmt.Sprintf("%.0f%%", 100*row.Measured), fmt.Sprintf("%.3f", row.P), fmt.Sprintf("%.2f", row.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", row.Service, fn, row.Pattern, yes(row.Planted),
			row.Outcome, check(row, row.Built), check(row, row.Tested), est, meas, p, rat)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nfindings %d, planted %d of %d found: precision %.0f%%, recall %.0f%%\n"+
		"mechanical fixes %d: %d build and pass tests (%.0f%%), %d change behaviour; %d left as suggestions\n"+
		"measured saving within 2x of the estimate: %d of %d (%.0f%%)\n",
		r.Findings, r.True, r.PlantedTotal, 100*r.Precision(), 100*r.Recall(),
		r.Fixes, r.Passing, 100*r.PassShare(), r.BehaviourChanges, r.Suggestions,
		r.Within2x, r.Measured, 100*r.EstimateShare())
	for _, m := range r.Missed {
		fmt.Fprintf(w, "missed %s\n", m)
	}
	return err
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// check renders a check of a fix that was made; "-" for a suggestion.
func check(r Row, ok bool) string {
	if r.Outcome == "suggestion" {
		return "-"
	}
	if ok {
		return "ok"
	}
	return "FAIL"
}
