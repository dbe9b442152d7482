package agent

import (
	"fmt"
	"io"
	"strings"
)

// WriteText renders what the model added to the playbook's result (which
// skills.Investigation.WriteText renders): the answer, facts with their
// steps, hypotheses, suggestions for a human, notes and the footer.
func (r Result) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Mode:       %s\n", r.Mode)
	if r.Answer != "" {
		fmt.Fprintf(&b, "\nAnswer (model):\n  %s\n", strings.ReplaceAll(r.Answer, "\n", "\n  "))
	}
	if r.FixDraft != "" {
		fmt.Fprintf(&b, "\nFix draft (for review, not applied):\n  %s\n", strings.ReplaceAll(r.FixDraft, "\n", "\n  "))
	}
	if r.Mode == ModeAgent && len(r.Facts) > 0 {
		b.WriteString("\nFacts (skill output):\n")
		for _, f := range r.Facts {
			fmt.Fprintf(&b, "  - %s [%s]\n", f.Text, strings.Join(f.Steps, ", "))
		}
	}
	if len(r.Hypotheses) > 0 {
		b.WriteString("\nHypotheses (no skill evidence):\n")
		for _, h := range r.Hypotheses {
			fmt.Fprintf(&b, "  - %s — %s\n", h.Text, h.Why)
		}
	}
	for _, s := range r.Suggestions {
		state := "not supported by the evidence"
		if s.Supported {
			state = "supported by rank_suspects; needs a human's approval"
		}
		fmt.Fprintf(&b, "\nSuggested %s of %s (%s)\n", s.Kind, short(s.Commit), state)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nNote: %s\n", n)
	}
	if f := r.Footer(); f != "" {
		fmt.Fprintf(&b, "\n— %s\n", f)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
