package opportunity

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/skillmd"
)

// LearnedSkill is the skill of a skills directory that holds the patterns
// learned from verified fixes.
const LearnedSkill = "learned-fixes"

// learnedSkillMD is LearnedSkill's SKILL.md, written with its first
// pattern.
const learnedSkillMD = `---
name: learned-fixes
description: Patterns Wattson learned from reverts and fixes that were merged and verified to bring a regressed metric back; the opportunity scan looks for them like any other pattern.
---
Each file under references/patterns/ was written when a change was verified:
the functions that got slower, the code before and after, and the measured
effect. Edit or delete them like any pattern of your own.
`

// Lesson is what a merged revert or fix that brought a regressed metric
// back teaches.
type Lesson struct {
	// Proposal is the change's id ("P-7") and Title its title.
	Proposal, Title string
	// Regression is the id of the regression it fixed ("R-3") and
	// Service that regression's service.
	Regression, Service string
	// Effect says what was measured, in a sentence.
	Effect string
	// Diffs are the profile diffs of the regression's investigation.
	Diffs []skills.ProfileDiff
	// Culprit is the reverted commit with its patch; nil for a fix, or
	// when it could not be read.
	Culprit *skills.Change
}

// LearnedPattern turns a lesson into a pattern: its frames are the library
// packages whose functions rose most in the profile diffs (runtime aside),
// its example the code the culprit added (before) and removed (after), its
// effect the measured one. ok is false when the diffs name no library
// function: there is nothing to recognise.
func LearnedPattern(l Lesson) (p Pattern, ok bool) {
	p = Pattern{
		Name: "learned-" + strings.ToLower(l.Proposal), Title: l.Title, Profile: KindCPU,
		MinShare: 0.02, Saving: 0.8, Effect: l.Effect, Learned: l.Proposal,
		Suggestion: fmt.Sprintf("%s fixed this in %s: %s. Apply the same change here.", l.Proposal, l.Service, l.Title),
	}
	for _, d := range l.Diffs {
		for _, f := range d.Top {
			if frame, ok := packageFrame(f); ok && !slices.Contains(p.Frames, frame) && len(p.Frames) < 3 {
				p.Frames = append(p.Frames, frame)
			}
		}
	}
	if l.Culprit != nil {
		var before, after []string
		for _, fc := range l.Culprit.Files {
			for _, line := range strings.Split(fc.Patch, "\n") {
				switch {
				case strings.HasPrefix(line, "+"):
					before = append(before, line[1:])
				case strings.HasPrefix(line, "-"):
					after = append(after, line[1:])
				}
			}
		}
		if len(before)+len(after) > 0 {
			p.Example = &Example{Before: strings.Join(before, "\n"), After: strings.Join(after, "\n")}
		}
	}
	return p, len(p.Frames) > 0
}

// packageFrame is "<top package>*" for a library function that rose, such
// as "regexp*" for regexp/syntax.(*parser).parse: it matches the library's
// entry point the service calls.
func packageFrame(f skills.FuncDelta) (string, bool) {
	if f.Own || f.DeltaFlat <= 0 || strings.HasPrefix(f.Name, "runtime.") {
		return "", false
	}
	first, _, _ := strings.Cut(f.Name, "/")
	if strings.Contains(first, ".") { // a module path: its package, not its host
		slash := strings.LastIndex(f.Name, "/")
		pkg, _, _ := strings.Cut(f.Name[slash+1:], ".")
		return f.Name[:slash+1] + pkg + ".*", true
	}
	root, _, _ := strings.Cut(first, ".")
	if root == "" || root == "runtime" {
		return "", false
	}
	return root + "*", true
}

// WriteLearned writes p, learned from a fix of regression, to the skills
// directory dir as LearnedSkill's references/patterns/<name>.yaml, creating
// the skill when it is missing; the next LoadPatterns of dir finds it.
func WriteLearned(dir string, p Pattern, regression string) error {
	data, err := yaml.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode pattern %s: %w", p.Name, err)
	}
	header := "# Learned by Wattson from " + p.Learned + " (" + regression + ").\n"
	if err := skillmd.WriteReference(dir, LearnedSkill, "patterns/"+p.Name+".yaml", append([]byte(header), data...), []byte(learnedSkillMD)); err != nil {
		return fmt.Errorf("write pattern %s: %w", p.Name, err)
	}
	return nil
}
