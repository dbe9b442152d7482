package bot

import (
	"slices"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/skillmd"
)

// SkillList lists, for /wattson skills, the skills of regs (each listed
// once) and then the library skills that define opportunity patterns, with
// the patterns' names.
func SkillList(regs []*skills.Registry, lib *skillmd.Library, pats []opportunity.Pattern) func() []SkillInfo {
	seen := map[string]bool{}
	var out []SkillInfo
	for _, reg := range regs {
		for _, info := range reg.Infos() {
			if !seen[info.Name] {
				seen[info.Name] = true
				out = append(out, SkillInfo{Name: info.Name, Description: info.Description})
			}
		}
	}
	for _, sk := range lib.List() {
		info := SkillInfo{Name: sk.Name, Description: sk.Description}
		for _, p := range pats {
			if p.Skill == sk.Name {
				info.Patterns = append(info.Patterns, p.Name)
			}
		}
		if len(info.Patterns) > 0 {
			out = append(out, info)
		}
	}
	return func() []SkillInfo { return slices.Clone(out) }
}
