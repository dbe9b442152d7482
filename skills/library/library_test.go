package library_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wattson-dev/wattson/skills/library"
	"github.com/wattson-dev/wattson/skills/skillmd"
)

func TestBuiltinSkillsAreValid(t *testing.T) {
	lib, probs := skillmd.Load(library.FS(), ".", "built-in")
	for _, p := range probs {
		t.Errorf("bad built-in skill: %v", p)
	}
	skills := lib.List()
	if len(skills) < 3 || len(skills) > 5 {
		t.Fatalf("%d built-in skills; ship 3 to 5", len(skills))
	}
	for _, s := range skills {
		body, err := lib.Body(s.Name)
		if err != nil {
			t.Fatalf("body of %s: %v", s.Name, err)
		}
		// Keep bodies within a model's budget: the Agent Skills spec
		// recommends under 500 lines.
		if n := strings.Count(body, "\n"); n > 200 {
			t.Errorf("%s: body is %d lines", s.Name, n)
		}
		for _, r := range s.References {
			if _, err := lib.Reference(s.Name, r); err != nil {
				t.Errorf("%s: %v", s.Name, err)
			}
		}
	}
}

func TestLoadReportsBadSkillsAndLetsTheDirOverride(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"go-lock-contention/SKILL.md": "---\nname: go-lock-contention\ndescription: Our own version.\n---\nShard it.\n",
		"Broken/SKILL.md":             "---\nname: Broken\ndescription: d\n---\nbody\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lib, probs := library.Load(dir)
	if len(probs) != 1 || !strings.Contains(probs[0].Error(), "Broken/SKILL.md") {
		t.Fatalf("problems %v", probs)
	}
	if s, _ := lib.Get("go-lock-contention"); s.Description != "Our own version." {
		t.Errorf("skills.dir did not override the built-in: %+v", s)
	}
	if len(lib.List()) < 4 {
		t.Errorf("built-ins lost: %d skills", len(lib.List()))
	}
	builtin, probs := library.Load("")
	if len(probs) != 0 || len(builtin.List()) != len(lib.List()) {
		t.Errorf("built-in only: %d skills, problems %v", len(builtin.List()), probs)
	}
}
