package gitlocal

import (
	"fmt"
	"strings"
	"time"

	"github.com/wattson-dev/wattson/skills"
)

// logFormat starts each commit with a record separator and separates the
// header fields with unit separators.
const logFormat = "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%s"

// parseLog parses `git log -p --format=logFormat` output.
func parseLog(out []byte) ([]skills.Change, error) {
	var changes []skills.Change
	for rec := range strings.SplitSeq(string(out), "\x1e") {
		if strings.TrimSpace(rec) == "" {
			continue
		}
		header, body, _ := strings.Cut(rec, "\n")
		f := strings.Split(header, "\x1f")
		if len(f) != 6 {
			return nil, fmt.Errorf("parse git log header %q", header)
		}
		at, err := time.Parse(time.RFC3339, f[3])
		if err != nil {
			return nil, fmt.Errorf("parse author time: %w", err)
		}
		ct, err := time.Parse(time.RFC3339, f[4])
		if err != nil {
			return nil, fmt.Errorf("parse commit time: %w", err)
		}
		c := skills.Change{SHA: f[0], Author: f[1], Email: f[2], AuthorTime: at.UTC(), CommitTime: ct.UTC(), Title: f[5]}
		c.Files = parsePatch(body)
		changes = append(changes, c)
	}
	return changes, nil
}

// parsePatch splits a commit's patch into files.
func parsePatch(body string) []skills.FileChange {
	var files []skills.FileChange
	sections := strings.Split("\n"+body, "\ndiff --git ")
	for _, sec := range sections[1:] {
		files = append(files, parseFileSection(sec))
	}
	return files
}

// parseFileSection parses one "diff --git a/x b/y" section.
func parseFileSection(sec string) skills.FileChange {
	head, patch, hasHunks := strings.Cut(sec, "\n@@")
	fc := skills.FileChange{Status: "modified"}
	lines := strings.Split(head, "\n")
	if a, b, ok := strings.Cut(lines[0], " b/"); ok {
		fc.OldPath = strings.TrimPrefix(a, "a/")
		fc.Path = b
	}
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "new file mode"):
			fc.Status = "added"
		case strings.HasPrefix(l, "deleted file mode"):
			fc.Status = "removed"
		case strings.HasPrefix(l, "rename from "):
			fc.Status = "renamed"
			fc.OldPath = strings.TrimPrefix(l, "rename from ")
		case strings.HasPrefix(l, "rename to "):
			fc.Path = strings.TrimPrefix(l, "rename to ")
		case strings.HasPrefix(l, "--- a/"):
			fc.OldPath = strings.TrimPrefix(l, "--- a/")
		case strings.HasPrefix(l, "+++ b/"):
			fc.Path = strings.TrimPrefix(l, "+++ b/")
		}
	}
	switch fc.Status {
	case "added":
		fc.OldPath = ""
	case "removed":
		fc.Path = fc.OldPath
	}
	if !hasHunks {
		return fc
	}
	fc.Patch = "@@" + strings.TrimSuffix(patch, "\n")
	for l := range strings.SplitSeq(fc.Patch, "\n") {
		switch {
		case strings.HasPrefix(l, "+"):
			fc.Additions++
		case strings.HasPrefix(l, "-"):
			fc.Deletions++
		}
	}
	return fc
}
