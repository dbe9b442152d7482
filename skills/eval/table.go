package eval

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/wattson-dev/wattson/skills"
)

// ErrConfidentWrong is what WriteTable returns, after writing the table,
// when any result is ConfidentWrong.
var ErrConfidentWrong = errors.New("confident-wrong verdicts")

// WriteTable writes one line per result (with the evidence that decided
// its verdict, and under the table each verdict's reason) and the totals: top-1 and top-3
// among the scenarios with a culprit, correct abstentions among those
// without, confident-wrong verdicts, and the median and maximum time per
// scenario. It returns ErrConfidentWrong if any verdict was confident and
// wrong.
func WriteTable(w io.Writer, rs []Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tTRUTH\tVERDICT\tDECIDED BY\tTOP-1\tTOP-3\tTIME\tTOKENS\tERRORS")
	var culprits, top1, top3, none, abstain, wrong int
	var times []time.Duration
	for _, r := range rs {
		truth := "none"
		if r.Culprit != "" {
			truth = r.Culprit[:min(7, len(r.Culprit))]
			culprits++
			top1 += b2i(r.Top1)
			top3 += b2i(r.Top3)
		} else {
			none++
			abstain += b2i(r.Verdict == skills.VerdictNoCulprit || r.Verdict == skills.VerdictInconclusive)
		}
		wrong += b2i(r.ConfidentWrong())
		times = append(times, r.Duration)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.ID, truth, orDash(r.Verdict), basisOrDash(r.Basis), mark(r.Culprit != "", r.Top1), mark(r.Culprit != "", r.Top3),
			r.Duration.Round(time.Millisecond), r.Tokens, r.Error)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for i, r := range rs {
		if i == 0 {
			fmt.Fprintln(w)
		}
		if r.Reason != "" {
			fmt.Fprintf(w, "%s: %s\n", r.ID, r.Reason)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	fmt.Fprintf(w, "\nscenarios %d (with culprit %d, without %d)\n", len(rs), culprits, none)
	fmt.Fprintf(w, "top-1 %s  top-3 %s  correct abstentions %d/%d  confident-wrong %d\n", pct(top1, culprits), pct(top3, culprits), abstain, none, wrong)
	if len(times) > 0 {
		fmt.Fprintf(w, "time per scenario: p50 %s  max %s\n", times[(len(times)-1)/2].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
	}
	if wrong > 0 {
		return ErrConfidentWrong
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func mark(applies, ok bool) string {
	switch {
	case !applies:
		return "-"
	case ok:
		return "yes"
	}
	return "no"
}

func pct(n, d int) string {
	if d == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d/%d (%.0f%%)", n, d, 100*float64(n)/float64(d))
}

func orDash(v skills.Verdict) string {
	if v == "" {
		return "-"
	}
	return string(v)
}

func basisOrDash(b skills.Basis) string {
	if b == "" {
		return "-"
	}
	return string(b)
}
