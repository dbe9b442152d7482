package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/bot/proposals"
	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/store"
)

func TestPackageFrame(t *testing.T) {
	tests := []struct {
		f    skills.FuncDelta
		want string
	}{
		{skills.FuncDelta{Name: "regexp/syntax.(*parser).parse", DeltaFlat: 0.1}, "regexp*"},
		{skills.FuncDelta{Name: "encoding/json.(*encodeState).marshal", DeltaFlat: 0.1}, "encoding*"},
		{skills.FuncDelta{Name: "github.com/acme/lib/cache.(*LRU).Get", DeltaFlat: 0.1}, "github.com/acme/lib/cache.*"},
		{skills.FuncDelta{Name: "runtime.mallocgc", DeltaFlat: 0.1}, ""},
		{skills.FuncDelta{Name: "shop.validEmail", DeltaFlat: 0.1, Own: true}, ""},
		{skills.FuncDelta{Name: "regexp.MustCompile", DeltaFlat: -0.1}, ""},
	}
	for _, tt := range tests {
		got, ok := packageFrame(tt.f)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("packageFrame(%s) = %q, %v; want %q", tt.f.Name, got, ok, tt.want)
		}
	}
}

// TestLearnWritesAPatternTheNextScanLoads: a verified revert's lesson
// becomes a pattern file in skills.dir that loadPatterns picks up, with
// the profile diff's library functions as frames, the culprit's code as
// the example and the measured effect.
func TestLearnWritesAPatternTheNextScanLoads(t *testing.T) {
	dir := t.TempDir()
	cfg := config{Skills: skillsConfig{Dir: dir}}
	diff, _ := json.Marshal(skills.ProfileDiff{Top: []skills.FuncDelta{
		{Name: "regexp/syntax.(*parser).parse", DeltaFlat: 0.2},
		{Name: "runtime.mallocgc", DeltaFlat: 0.1},
		{Name: "shop.validEmail", DeltaFlat: 0.05, Own: true},
	}})
	les := proposals.Lesson{
		Proposal:      store.Proposal{ID: "P-7", Kind: store.ProposalRevert, Target: "abc1234", Title: "Revert abc1234: compile regexp per request"},
		Regression:    store.Regression{ID: "R-3", Service: "checkout"},
		Investigation: &store.Investigation{Steps: []store.Step{{Skill: "profile_diff", Output: diff}}},
		Effect:        "cpu went from 0.013 back to 0.010 after P-7 merged",
	}
	culprit := &skills.Change{Files: []skills.FileChange{{Patch: "@@ -1,2 +1,2 @@\n-var re = regexp.MustCompile(x)\n+re := regexp.MustCompile(x)\n"}}}
	p, ok := learnedPattern(les, culprit)
	if !ok || len(p.Frames) != 1 || p.Frames[0] != "regexp*" || p.Example == nil ||
		!strings.Contains(p.Example.Before, "re := regexp.MustCompile") || !strings.Contains(p.Example.After, "var re =") {
		t.Fatalf("pattern = %+v (ok %v)", p, ok)
	}
	if err := newLearner(cfg, discardLogger()).Learn(t.Context(), les); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, learnedSkill, "references", "patterns", "learned-p-7.yaml")); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, pat := range loadPatterns(cfg, discardLogger()) {
		if pat.Name == "learned-p-7" {
			found = true
			if pat.Skill != learnedSkill || pat.Learned != "P-7" || pat.Effect != les.Effect || pat.Frames[0] != "regexp*" {
				t.Errorf("loaded %+v", pat)
			}
		}
	}
	if !found {
		t.Error("the next scan does not load the learned pattern")
	}
	// Nothing to recognise: no file.
	les.Proposal.ID, les.Investigation = "P-8", nil
	if err := newLearner(cfg, discardLogger()).Learn(t.Context(), les); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, learnedSkill, "references", "patterns", "learned-p-8.yaml")); !os.IsNotExist(err) {
		t.Errorf("a lesson without frames was written (err %v)", err)
	}
	if newLearner(config{}, discardLogger()) != nil {
		t.Error("a learner without skills.dir")
	}
}
