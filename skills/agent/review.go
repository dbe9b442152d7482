package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/prompts"
	"github.com/wattson-dev/wattson/skills"
)

// Investigate runs the playbook pb with input, then Review.
func (a *Agent) Investigate(ctx context.Context, pb skills.Playbook, input map[string]any) Result {
	return a.Review(ctx, a.runner.Run(ctx, pb, input))
}

// Review adds the model to a finished playbook run: for a conclusive
// verdict one call for the explanation (and a fix draft for a culprit),
// without tools; for an inconclusive one the tool loop. If the model fails
// or the budget runs out, the result is the playbook's and its notes say
// so.
func (a *Agent) Review(ctx context.Context, run skills.Run) Result {
	res := playbookResult(run)
	c := caseOf(run, res.Investigation)
	var (
		user      string
		withTools bool
		err       error
	)
	switch res.Investigation.Verdict {
	case skills.VerdictCulprit, skills.VerdictNoCulprit:
		user, err = prompts.Explain(c)
	default:
		user, err = prompts.Dig(c)
		withTools = true
	}
	if err != nil {
		return a.internal(res, err)
	}
	s, err := a.start(user, withTools)
	if err != nil {
		return a.internal(res, err)
	}
	if withTools {
		err = s.loop(ctx)
	} else {
		err = s.once(ctx)
	}
	return a.finish(res, s, err)
}

// Ask answers a question from chat. run is the playbook's result when the
// question named a service (nil otherwise); the model may call tools for
// what it does not show.
func (a *Agent) Ask(ctx context.Context, question string, run *skills.Run) Result {
	res := Result{Mode: ModePlaybook, Facts: []Fact{}}
	var c *prompts.Case
	if run != nil {
		res = playbookResult(*run)
		pc := caseOf(*run, res.Investigation)
		c = &pc
	}
	user, err := prompts.Question(prompts.QuestionData{Question: question, Case: c})
	if err != nil {
		return a.internal(res, err)
	}
	s, err := a.start(user, true)
	if err != nil {
		return a.internal(res, err)
	}
	res = a.finish(res, s, s.loop(ctx))
	if res.Mode == ModePlaybook && run == nil {
		res.Notes = append(res.Notes, "Name a service (/wattson investigate <service>) to get the playbook's answer without the model.")
	}
	return res
}

// start opens a session with the system prompt.
func (a *Agent) start(user string, withTools bool) (*session, error) {
	var guides []prompts.Skill
	if withTools {
		for _, g := range a.lib.List() {
			guides = append(guides, prompts.Skill{Name: g.Name, Description: g.Description})
		}
	}
	system, err := prompts.System(prompts.SystemData{Skills: guides, MaxSteps: a.cfg.MaxSteps})
	if err != nil {
		return nil, err
	}
	return a.newSession(system, user, withTools)
}

// once asks for a single answer without tools.
func (s *session) once(ctx context.Context) error {
	resp, err := s.complete(ctx)
	if err != nil {
		return err
	}
	s.answer = strings.TrimSpace(resp.Choices[0].Message.Content)
	if s.answer == "" {
		return fmt.Errorf("%w: the answer was empty", ErrModelFailed)
	}
	return nil
}

// internal is a result for a bug of ours: playbook mode, logged.
func (a *Agent) internal(res Result, err error) Result {
	ref := fmt.Sprintf("%x", a.now().UnixNano()&0xffffff)
	a.log.Error("agent failed", "err", err, "ref", ref)
	res.Mode = ModePlaybook
	res.Notes = append(res.Notes, fmt.Sprintf("The model was not used: internal error (ref %s). This is the playbook's result.", ref))
	return res
}

// playbookResult is a run as a result without the model.
func playbookResult(run skills.Run) Result {
	inv := skills.Summarize(run)
	res := Result{Mode: ModePlaybook, Investigation: inv, Run: run, Facts: []Fact{}}
	for i, st := range run.Steps {
		if st.OK() && st.Summary != "" {
			res.Facts = append(res.Facts, Fact{Text: st.Summary, Steps: []string{stepID(i)}, Evidence: []string{st.Skill + ": " + st.Summary}})
		}
	}
	return res
}

// stepID names the i-th playbook step for the model.
func stepID(i int) string { return fmt.Sprintf("s%d", i+1) }

// caseOf is the playbook's result as the prompts show it.
func caseOf(run skills.Run, inv skills.Investigation) prompts.Case {
	c := prompts.Case{Verdict: string(inv.Verdict), Reason: inv.Reason}
	if r := inv.Regression; r != nil {
		c.Service, c.Metric, c.Pct = r.Service, r.Metric, r.Pct
		c.ChangeTime = r.ChangeTime.UTC().Format(time.RFC3339)
	}
	if inv.Deploy.To != "" {
		c.Deploy = inv.Deploy.From + ".." + inv.Deploy.To
	}
	for i, st := range run.Steps {
		c.Steps = append(c.Steps, prompts.Step{ID: stepID(i), Skill: st.Skill, Summary: st.Summary, Error: st.Error})
	}
	for _, s := range inv.Suspects {
		c.Suspects = append(c.Suspects, prompts.Suspect{Commit: s.Commit, Title: s.Title, Author: s.Author, Score: s.Score, Evidence: s.Evidence})
	}
	return c
}

// finish turns a session's outcome into the result.
func (a *Agent) finish(res Result, s *session, err error) Result {
	res.Usage = s.usage
	res.ToolSteps = s.steps
	for _, st := range s.steps {
		if st.OK() && st.Summary != "" && st.Skill != toolReadSkill {
			res.Facts = append(res.Facts, Fact{Text: st.Summary, Steps: []string{st.ID}, Evidence: []string{st.Skill + ": " + st.Summary}})
		}
	}
	answered := s.concl != nil || s.answer != ""
	switch {
	case errors.Is(err, ErrModelFailed), errors.Is(err, ErrOverBudget):
		res.Mode = ModePlaybook
		res.Notes = append(res.Notes, fmt.Sprintf("Finished in playbook mode: %v.", err))
		return res
	case err != nil && !answered:
		res.Mode = ModePlaybook
		res.Notes = append(res.Notes, fmt.Sprintf("Finished in playbook mode: %v, without an answer.", err))
		return res
	case err != nil:
		res.Notes = append(res.Notes, fmt.Sprintf("Stopped early: %v.", err))
	}
	res.Mode = ModeAgent
	if s.concl != nil {
		a.applyConclusion(&res, s, *s.concl)
	} else {
		res.Answer, res.FixDraft = splitFixIdea(s.answer)
	}
	return res
}

// splitFixIdea separates a "Fix idea:" section from an explanation.
func splitFixIdea(text string) (answer, fix string) {
	if i := strings.Index(text, "Fix idea:"); i >= 0 {
		return strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+len("Fix idea:"):])
	}
	return text, ""
}
