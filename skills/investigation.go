package skills

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Investigation is the outcome of a playbook run about a regression, in
// the shape `wattson investigate --format json` prints.
type Investigation struct {
	// Regression is the change found (nil when find_change_point failed).
	Regression *ChangePoint `json:"regression"`
	// Deploy is the deploy that shipped it.
	Deploy DeployRange `json:"deploy"`
	// Verdict and Reason sum up; Verdict is inconclusive when ranking
	// could not run. Basis names the evidence that decided it.
	Verdict Verdict `json:"verdict"`
	Reason  string  `json:"reason,omitempty"`
	Basis   Basis   `json:"basis,omitempty"`
	// Suspects are ranked best first.
	Suspects []Suspect `json:"suspects"`
	// Impact is the estimated cost, when known.
	Impact *Impact `json:"impact,omitempty"`
	// Steps are the skills run, in order.
	Steps []StepSummary `json:"steps"`
}

// DeployRange is the revisions before and after a deploy.
type DeployRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// StepSummary is a step as the investigation output shows it.
type StepSummary struct {
	Skill      string `json:"skill"`
	Summary    string `json:"summary"`
	DurationMS int64  `json:"duration_ms"`
	Error      string `json:"error,omitempty"`
}

// Summarize reads a run of the cpu-regression playbook (or any playbook
// with steps of the same ids) into an Investigation.
func Summarize(run Run) Investigation {
	inv := Investigation{Verdict: VerdictInconclusive, Suspects: []Suspect{}, Steps: []StepSummary{}}
	for _, s := range run.Steps {
		inv.Steps = append(inv.Steps, StepSummary{Skill: s.Skill, Summary: s.Summary, DurationMS: s.Duration.Milliseconds(), Error: s.Error})
	}
	var cp ChangePoint
	if decodeStep(run, "find_change_point", &cp) {
		inv.Regression = &cp
	}
	var dw DeployWindow
	if decodeStep(run, "deploys_in_window", &dw) {
		inv.Deploy = DeployRange{From: dw.From, To: dw.To}
	}
	var r Ranking
	if decodeStep(run, "rank_suspects", &r) {
		inv.Verdict, inv.Reason, inv.Basis = r.Verdict, r.Reason, r.Basis
		if r.Suspects != nil {
			inv.Suspects = r.Suspects
		}
	} else {
		inv.Reason = "suspects could not be ranked: " + failedSteps(run)
	}
	var im Impact
	if decodeStep(run, "estimate_impact", &im) {
		inv.Impact = &im
	}
	return inv
}

// decodeStep decodes the output of a successful step.
func decodeStep(run Run, id string, dst any) bool {
	s, ok := run.Step(id)
	if !ok || !s.OK() {
		return false
	}
	return json.Unmarshal(s.Output, dst) == nil
}

func failedSteps(run Run) string {
	var out []string
	for _, s := range run.Steps {
		if !s.OK() {
			out = append(out, s.Skill+": "+s.Error)
		}
	}
	if len(out) == 0 {
		return "no ranking step ran"
	}
	return strings.Join(out, "; ")
}

// WriteText renders the investigation as an engineer would paste it into a
// ticket.
func (inv Investigation) WriteText(w io.Writer) error {
	var b strings.Builder
	if r := inv.Regression; r != nil {
		fmt.Fprintf(&b, "Regression: %s of %s %+.1f%% at %s (%.4g → %.4g)\n", r.Metric, r.Service, r.Pct, r.ChangeTime.Format(time.RFC3339), r.Before, r.After)
	} else {
		b.WriteString("Regression: not found\n")
	}
	if inv.Deploy.To != "" {
		fmt.Fprintf(&b, "Deploy:     %s..%s\n", shortSHA(inv.Deploy.From), shortSHA(inv.Deploy.To))
	}
	fmt.Fprintf(&b, "Verdict:    %s", inv.Verdict)
	if inv.Reason != "" {
		fmt.Fprintf(&b, " — %s", inv.Reason)
	}
	b.WriteString("\n")
	if im := inv.Impact; im != nil {
		fmt.Fprintf(&b, "Impact:     %+.3g CPU s/request; %.2f cores per 1000 requests/s", im.DeltaCPUPerRequest, im.CoresPer1kRPS)
		if im.RequestsPerSecond > 0 {
			fmt.Fprintf(&b, "; %.2f cores, %.0f W at %.0f requests/s", im.ExtraCores, im.ExtraWatts, im.RequestsPerSecond)
		}
		b.WriteString("\n")
	}
	if len(inv.Suspects) > 0 {
		b.WriteString("\nSuspects:\n")
	}
	for i, s := range inv.Suspects {
		if i == 5 {
			fmt.Fprintf(&b, "  … %d more\n", len(inv.Suspects)-5)
			break
		}
		fmt.Fprintf(&b, "  %d. %s %s (%s) score %.2f\n", i+1, shortSHA(s.Commit), s.Title, s.Author, s.Score)
		for _, e := range s.Evidence {
			fmt.Fprintf(&b, "     - %s\n", e)
		}
	}
	b.WriteString("\nSteps:\n")
	for _, s := range inv.Steps {
		line := s.Summary
		if s.Error != "" {
			line = "ERROR " + s.Error
		}
		fmt.Fprintf(&b, "  %-18s %5dms  %s\n", s.Skill, s.DurationMS, line)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
