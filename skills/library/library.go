// Package library ships Wattson's built-in Agent Skills: SKILL.md files
// that encode Go efficiency expertise (allocation in hot paths, regexp and
// fmt in loops, JSON encoding costs, lock contention, GC pressure). Load
// them with skillmd.Load(library.FS(), ".", "built-in").
package library

import (
	"embed"
	"io/fs"
)

//go:embed */SKILL.md */references
var files embed.FS

// FS returns the built-in skills, one folder each.
func FS() fs.FS { return files }
