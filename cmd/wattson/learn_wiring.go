package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wattson-dev/wattson/bot/proposals"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/store"
)

// learnedSkill is the skills.dir skill that holds the patterns of verified
// fixes.
const learnedSkill = "learned-fixes"

const learnedSkillMD = `---
name: learned-fixes
description: Patterns Wattson learned from reverts and fixes that were merged and verified to bring a regressed metric back; the opportunity scan looks for them like any other pattern.
---
Each file under references/patterns/ was written when a change was verified:
the functions that got slower, the code before and after, and the measured
effect. Edit or delete them like any pattern of your own.
`

// skillLearner records lessons as pattern files in skills.dir.
type skillLearner struct {
	cfg config
	log *slog.Logger
}

// newLearner returns the learner of the serve command, or nil when
// skills.dir is not set.
func newLearner(cfg config, logger *slog.Logger) proposals.Learner {
	if cfg.Skills.Dir == "" {
		return nil
	}
	return skillLearner{cfg: cfg, log: logger.With("component", "learner")}
}

// Learn writes <skills.dir>/learned-fixes/references/patterns/<id>.yaml.
// A lesson without a library function to recognise is skipped.
func (l skillLearner) Learn(ctx context.Context, les proposals.Lesson) error {
	var change *skills.Change
	if les.Proposal.Kind == store.ProposalRevert {
		change = l.culprit(ctx, les.Regression.Service, les.Proposal.Target)
	}
	p, ok := learnedPattern(les, change)
	if !ok {
		l.log.InfoContext(ctx, "nothing to learn", "proposal", les.Proposal.ID)
		return nil
	}
	data, err := yaml.Marshal(p)
	if err != nil {
		return fmt.Errorf("learn %s: encode pattern: %w", les.Proposal.ID, err)
	}
	dir := filepath.Join(l.cfg.Skills.Dir, learnedSkill)
	if err := os.MkdirAll(filepath.Join(dir, "references", "patterns"), 0o755); err != nil {
		return fmt.Errorf("learn %s: %w", les.Proposal.ID, err)
	}
	md := filepath.Join(dir, "SKILL.md")
	if _, err := os.Stat(md); os.IsNotExist(err) {
		if err := os.WriteFile(md, []byte(learnedSkillMD), 0o644); err != nil {
			return fmt.Errorf("learn %s: %w", les.Proposal.ID, err)
		}
	}
	path := filepath.Join(dir, "references", "patterns", p.Name+".yaml")
	header := "# Learned by Wattson from " + les.Proposal.ID + " (" + les.Regression.ID + ").\n"
	if err := os.WriteFile(path, append([]byte(header), data...), 0o644); err != nil {
		return fmt.Errorf("learn %s: %w", les.Proposal.ID, err)
	}
	return nil
}

// culprit reads the reverted commit from the service's code host; nil when
// it cannot.
func (l skillLearner) culprit(ctx context.Context, service, sha string) *skills.Change {
	for _, svc := range l.cfg.Services {
		if svc.Name != service {
			continue
		}
		d, err := serviceSources(svc).deps(l.cfg)
		if err != nil || d.host == nil {
			return nil
		}
		cs, err := d.host.Changes(ctx, sha+"^", sha)
		if err != nil || len(cs) == 0 {
			l.log.InfoContext(ctx, "culprit not read", "commit", sha, "err", err)
			return nil
		}
		return &cs[len(cs)-1]
	}
	return nil
}

// learnedPattern turns a lesson into a pattern: its frames are the library
// packages whose functions rose most in the investigation's profile diff
// (runtime aside), its example the code the culprit added (before) and
// removed (after), its effect the measured one. ok is false when the diff
// names no library function.
func learnedPattern(les proposals.Lesson, culprit *skills.Change) (opportunity.Pattern, bool) {
	p := opportunity.Pattern{
		Name: "learned-" + strings.ToLower(les.Proposal.ID), Title: les.Proposal.Title, Profile: opportunity.KindCPU,
		MinShare: 0.02, Saving: 0.8, Effect: les.Effect, Learned: les.Proposal.ID,
		Suggestion: fmt.Sprintf("%s fixed this in %s: %s. Apply the same change here.", les.Proposal.ID, les.Regression.Service, les.Proposal.Title),
	}
	if les.Investigation != nil {
		for _, st := range les.Investigation.Steps {
			if st.Skill != "profile_diff" || st.Error != "" {
				continue
			}
			var d skills.ProfileDiff
			if json.Unmarshal(st.Output, &d) != nil {
				continue
			}
			for _, f := range d.Top {
				if frame, ok := packageFrame(f); ok && !slices.Contains(p.Frames, frame) && len(p.Frames) < 3 {
					p.Frames = append(p.Frames, frame)
				}
			}
		}
	}
	if culprit != nil {
		var before, after []string
		for _, fc := range culprit.Files {
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
			p.Example = &opportunity.Example{Before: strings.Join(before, "\n"), After: strings.Join(after, "\n")}
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
