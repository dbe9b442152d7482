package benchcheck

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Table renders benchmarks as a Markdown table in benchstat's terms:
// median ± the confidence interval's half-width in percent, the change of
// the median ("~" when not significant) and the p-value with the runs.
func Table(bs []Benchmark) string {
	var b strings.Builder
	b.WriteString("| benchmark | before CPU s/op | after CPU s/op | vs base | p |\n|---|---|---|---|---|\n")
	for _, x := range bs {
		delta := "~"
		if x.Significant() {
			delta = fmt.Sprintf("%+.2f%%", x.DeltaPct)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | p=%.3f n=%d+%d |\n", x.Name,
			withCI(x.Before, x.BeforeLo, x.BeforeHi), withCI(x.After, x.AfterLo, x.AfterHi), delta, x.P, x.N1, x.N2)
	}
	return b.String()
}

// withCI renders a median with its interval as "1.23µs ± 4%".
func withCI(center, lo, hi float64) string {
	d := time.Duration(center * 1e9).String()
	if center <= 0 || lo <= 0 || hi <= 0 || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return d + " ± ∞"
	}
	return fmt.Sprintf("%s ± %.0f%%", d, 100*math.Max(hi/center-1, 1-lo/center))
}
