package fixgate

import (
	"fmt"
	"strings"

	"github.com/wattson-dev/wattson/skills/benchcheck"
)

// Body is the pull request description of a gated fix: what changed, the
// checks, the benchmark table and the profile's estimate.
func Body(r Result) string {
	f := r.Finding
	var b strings.Builder
	fmt.Fprintf(&b, "Wattson's offense scan found **%s** in `%s`", f.Title, f.Function)
	if f.File != "" {
		fmt.Fprintf(&b, " (%s:%s)", f.File, f.LineSpan())
	}
	fmt.Fprintf(&b, ", %.1f%% of %s's CPU in its profiles. This change is the `%s` rewrite, made on the typed syntax tree.\n\n", 100*f.Share, f.Service, f.Rewrite)
	b.WriteString("### Change\n\n")
	for _, c := range r.Changes {
		fmt.Fprintf(&b, "- %s\n", c)
	}
	if r.DiffStat != "" {
		fmt.Fprintf(&b, "\n```\n%s\n```\n", r.DiffStat)
	}
	writeGate(&b, r.Gate)
	b.WriteString("\n### Estimate\n\n")
	if r.Saving {
		fmt.Fprintf(&b, "From the profiles: %.3f cores ≈ %.1f W across %s.\n", f.Cores, f.Watts, f.Service)
	} else {
		fmt.Fprintf(&b, "The profiles estimated %.3f cores ≈ %.1f W, but without a significant benchmark gain none is claimed.\n", f.Cores, f.Watts)
	}
	return b.String()
}

// writeGate writes the checks and the benchmark table of a gate.
func writeGate(b *strings.Builder, g *benchcheck.Report) {
	b.WriteString("\n### Checks\n\n")
	if g != nil {
		for _, c := range g.Checks {
			verdict := "passes"
			if !c.OK {
				verdict = "FAILS"
			}
			fmt.Fprintf(b, "- `%s` %s\n", c.Command, verdict)
		}
	}
	b.WriteString("\n### Benchmark\n\n")
	switch {
	case g == nil || len(g.Benchmarks) == 0:
		reason := "none ran"
		if g != nil && g.NoBenchmark != "" {
			reason = g.NoBenchmark
		}
		fmt.Fprintf(b, "No benchmark measured the change: %s. It is not offered as a saving.\n", reason)
	default:
		b.WriteString(benchcheck.Table(g.Benchmarks))
		b.WriteString("\nMedians with 95% confidence intervals; Mann-Whitney U test, as benchstat computes them (golang.org/x/perf/benchmath).\n")
		if gain := g.Gain(); gain != nil {
			fmt.Fprintf(b, "\n%s is %.1f%% faster (p=%.3f).\n", gain.Name, -gain.DeltaPct, gain.P)
		} else {
			b.WriteString("\nNo benchmark is significantly faster: this fix is not offered as a saving.\n")
		}
	}
}
