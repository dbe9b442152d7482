// Package library ships Wattson's built-in Agent Skills: SKILL.md files
// that encode Go efficiency expertise (allocation in hot paths, regexp and
// fmt in loops, JSON encoding costs, lock contention, GC pressure), and
// loads the skill library a Wattson runs with: these built-ins with a
// team's own skills directory over them (Load).
package library

import (
	"embed"
	"io/fs"

	"github.com/wattson-dev/wattson/skills/skillmd"
)

//go:embed */SKILL.md */references
var files embed.FS

// FS returns the built-in skills, one folder each.
func FS() fs.FS { return files }

// Load loads the skill library: the built-in skills and, when dir is not
// empty, the skills in dir (the config's skills.dir), a skill of dir
// replacing a built-in of the same name. Skills that do not load are left
// out and returned, for a warning at start-up. Only the front matter is
// read now; bodies and references are read when asked for.
func Load(dir string) (*skillmd.Library, []skillmd.Problem) {
	lib, probs := skillmd.Load(files, ".", "built-in")
	if dir == "" {
		return lib, probs
	}
	own, more := skillmd.LoadDir(dir)
	return lib.Merge(own), append(probs, more...)
}
