package opportunity

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/skillmd"
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

// TestLearnedPatternIsFoundByTheNextLoad: a verified revert's lesson
// becomes a pattern with the profile diff's library functions as frames,
// the culprit's code as the example and the measured effect, and once
// written to a skills directory LoadPatterns finds it there.
func TestLearnedPatternIsFoundByTheNextLoad(t *testing.T) {
	l := Lesson{
		Proposal: "P-7", Title: "Revert abc1234: compile regexp per request", Regression: "R-3", Service: "checkout",
		Effect: "cpu went from 0.013 back to 0.010 after P-7 merged",
		Diffs: []skills.ProfileDiff{{Top: []skills.FuncDelta{
			{Name: "regexp/syntax.(*parser).parse", DeltaFlat: 0.2},
			{Name: "runtime.mallocgc", DeltaFlat: 0.1},
			{Name: "shop.validEmail", DeltaFlat: 0.05, Own: true},
		}}},
		Culprit: &skills.Change{Files: []skills.FileChange{{Patch: "@@ -1,2 +1,2 @@\n-var re = regexp.MustCompile(x)\n+re := regexp.MustCompile(x)\n"}}},
	}
	p, ok := LearnedPattern(l)
	if !ok || p.Name != "learned-p-7" || len(p.Frames) != 1 || p.Frames[0] != "regexp*" || p.Example == nil ||
		!strings.Contains(p.Example.Before, "re := regexp.MustCompile") || !strings.Contains(p.Example.After, "var re =") {
		t.Fatalf("pattern = %+v (ok %v)", p, ok)
	}
	dir := t.TempDir()
	if err := WriteLearned(dir, p, l.Regression); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, LearnedSkill, "references", "patterns", "learned-p-7.yaml"))
	if err != nil || !strings.HasPrefix(string(data), "# Learned by Wattson from P-7 (R-3).\n") {
		t.Fatalf("pattern file %q, %v", data, err)
	}
	lib, probs := skillmd.LoadDir(dir)
	pats, errs := LoadPatterns(lib)
	if len(probs)+len(errs) != 0 || len(pats) != 1 {
		t.Fatalf("loaded %+v; problems %v %v", pats, probs, errs)
	}
	if got := pats[0]; got.Skill != LearnedSkill || got.Learned != "P-7" || got.Effect != l.Effect || got.Frames[0] != "regexp*" {
		t.Errorf("loaded %+v", got)
	}

	// Nothing to recognise without a profile diff.
	l.Diffs = nil
	if p, ok := LearnedPattern(l); ok {
		t.Errorf("a lesson without frames gave %+v", p)
	}
}
