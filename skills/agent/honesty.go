package agent

import (
	"fmt"
	"strings"

	"github.com/wattson-dev/wattson/skills"
)

// applyConclusion sorts the model's conclusion into facts (claims citing
// successful skill steps) and hypotheses (everything else), and records a
// suggested revert or fix without acting on it.
func (a *Agent) applyConclusion(res *Result, s *session, c conclusion) {
	res.Answer = strings.TrimSpace(c.Answer)
	res.FixDraft = strings.TrimSpace(c.FixDraft)
	evidence := stepEvidence(res.Run, s.steps)
	for _, f := range c.Facts {
		var ids, ev []string
		for _, id := range f.Steps {
			id = strings.Trim(strings.TrimSpace(id), "[]")
			if e, ok := evidence[id]; ok {
				ids, ev = append(ids, id), append(ev, e)
			}
		}
		if len(ids) == 0 {
			res.Hypotheses = append(res.Hypotheses, Hypothesis{Text: f.Claim, Why: "it cites no successful skill output"})
			continue
		}
		res.Facts = append(res.Facts, Fact{Text: f.Claim, Steps: ids, Evidence: ev})
	}
	for _, h := range c.Hypotheses {
		res.Hypotheses = append(res.Hypotheses, Hypothesis{Text: h, Why: "stated by the model without skill evidence"})
	}
	supported := false
	if c.Suspect != "" {
		var why string
		supported, why = suspectSupport(res.Investigation, c.Suspect)
		if supported {
			top := res.Investigation.Suspects[0]
			res.Facts = append(res.Facts, Fact{Text: fmt.Sprintf("%s (%s) is the culprit", short(top.Commit), top.Title), Steps: []string{rankStep(res.Run)}, Evidence: top.Evidence})
		} else {
			res.Hypotheses = append(res.Hypotheses, Hypothesis{Text: fmt.Sprintf("the model suspects commit %s", clip(c.Suspect, 40)), Commit: clip(c.Suspect, 40), Why: why})
		}
	}
	switch c.Suggest {
	case "revert", "fix":
		res.Suggestions = append(res.Suggestions, Suggestion{Kind: c.Suggest, Commit: clip(c.Suspect, 40), Reason: clip(res.Answer, 300), Supported: supported})
	}
}

// suspectSupport says whether skill evidence makes commit the culprit, and
// if not, why not.
func suspectSupport(inv skills.Investigation, commit string) (bool, string) {
	for i, s := range inv.Suspects {
		if !sameCommit(s.Commit, commit) {
			continue
		}
		if i == 0 && inv.Verdict == skills.VerdictCulprit {
			return true, ""
		}
		return false, fmt.Sprintf("rank_suspects ranks it #%d with verdict %s: %s", i+1, inv.Verdict, strings.Join(s.Evidence, "; "))
	}
	return false, "no skill output ties this commit to the code that got slower"
}

// sameCommit compares a full sha with a possibly abbreviated one (at least
// 7 characters).
func sameCommit(full, abbrev string) bool {
	full, abbrev = strings.ToLower(strings.TrimSpace(full)), strings.ToLower(strings.TrimSpace(abbrev))
	return len(abbrev) >= 7 && strings.HasPrefix(full, abbrev)
}

// stepEvidence maps the ids of successful steps to their summaries.
func stepEvidence(run skills.Run, tools []skills.StepRecord) map[string]string {
	m := map[string]string{}
	for i, st := range run.Steps {
		if st.OK() {
			m[stepID(i)] = st.Skill + ": " + st.Summary
		}
	}
	for _, st := range tools {
		if st.OK() && st.Skill != toolReadSkill {
			m[st.ID] = st.Skill + ": " + st.Summary
		}
	}
	return m
}

// rankStep is the id of the rank_suspects step.
func rankStep(run skills.Run) string {
	for i, st := range run.Steps {
		if st.Skill == "rank_suspects" {
			return stepID(i)
		}
	}
	return "rank_suspects"
}

// short abbreviates a sha.
func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
