package library_test

import (
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
