package offensecmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/wattson-dev/wattson/skills/fixgate"
)

// WriteText writes the report for a person: per finding its function,
// pattern and estimate, then the fix's branch, files, checks and
// benchmark.
func WriteText(w io.Writer, rep Report) error {
	if len(rep.Results) == 0 {
		_, err := fmt.Fprintf(w, "no known inefficiency pattern in %s's hot code\n", rep.Service)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d finding(s) in %s's profiles\n", len(rep.Results), rep.Service)
	for _, r := range rep.Results {
		WriteResult(&b, r, "")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteResult writes one result, each line after the first indented by
// indent.
func WriteResult(b *strings.Builder, r fixgate.Result, indent string) {
	f := r.Finding
	fmt.Fprintf(b, "\n%s%s — %s, %.1f%% CPU, %.3f cores ≈ %.1f W\n", indent, f.Function, f.Title, 100*f.Share, f.Cores, f.Watts)
	line := func(k, format string, a ...any) {
		fmt.Fprintf(b, "%s  %-9s %s\n", indent, k, fmt.Sprintf(format, a...))
	}
	line("pattern", "%s (rewrite: %s)", f.Pattern, orNone(f.Rewrite))
	if r.Outcome != fixgate.Prepared && r.Gate == nil {
		line("fix", "%s: %s", r.Outcome, r.Reason)
		if f.Suggestion != "" {
			line("advice", "%s", f.Suggestion)
		}
		return
	}
	line("branch", "%s (%s)", r.Branch, r.Outcome)
	line("files", "%s", strings.Join(r.Files, ", "))
	for _, c := range r.Changes {
		line("change", "%s", c)
	}
	var checks []string
	for _, c := range r.Gate.Checks {
		v := "ok"
		if !c.OK {
			v = "FAILED"
		}
		checks = append(checks, c.Command+" "+v)
	}
	line("checks", "%s", strings.Join(checks, " · "))
	if len(r.Gate.Benchmarks) == 0 && r.Gate.Passed() {
		line("benchmark", "none: %s", r.Gate.NoBenchmark)
	}
	for _, bm := range r.Gate.Benchmarks {
		verdict := "not significant"
		if bm.Faster() {
			verdict = "significant gain"
		} else if bm.Significant() {
			verdict = "significantly slower"
		}
		line("benchmark", "%s before %s after %s delta %+.1f%% p=%.3f n=%d+%d (%s)", bm.Name,
			dur(bm.Before), dur(bm.After), bm.DeltaPct, bm.P, bm.N1, bm.N2, verdict)
	}
	if r.Outcome == fixgate.Failed {
		line("result", "not offered: %s", r.Reason)
	} else if !r.Saving {
		line("result", "prepared, but not offered as a saving: no significant gain")
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func dur(sec float64) string {
	return fmt.Sprintf("%.3gµs", sec*1e6)
}
