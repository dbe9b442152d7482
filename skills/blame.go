package skills

import "fmt"

// blame attributes lines of path, as of the newest of changes, to the
// commit among changes that last wrote them, looking through edits that
// only renamed identifiers (see cosmeticLines). changes are oldest first and
// consecutive (each the parent of the next). The result maps each line
// asked for to a commit sha, or to "" when the line predates all changes.
// This is `git blame` restricted to a range, computed from patches alone so
// that every code host can serve it.
func blame(changes []Change, path string, lines []int) (map[int]string, error) {
	out := make(map[int]string, len(lines))
	type cursor struct {
		orig, cur int
		path      string
	}
	open := make([]cursor, 0, len(lines))
	for _, l := range lines {
		open = append(open, cursor{orig: l, cur: l, path: path})
		out[l] = ""
	}
	cache := map[string][]hunk{}
	cosmetic := map[string]map[string]map[int]int{}
	for i := len(changes) - 1; i >= 0 && len(open) > 0; i-- {
		c := changes[i]
		next := open[:0]
		for _, cu := range open {
			fc, ok := fileChange(c, cu.path)
			if !ok {
				next = append(next, cu)
				continue
			}
			if fc.Status == "added" {
				out[cu.orig] = c.SHA
				continue
			}
			key := c.SHA + "\x00" + fc.Path
			hs, ok := cache[key]
			if !ok {
				var err error
				if hs, err = parseHunks(fc.Patch); err != nil {
					return nil, fmt.Errorf("blame %s at %s: %w", path, shortSHA(c.SHA), err)
				}
				cache[key] = hs
			}
			old, added := newToOld(hs, cu.cur)
			if added {
				cos, ok := cosmetic[c.SHA]
				if !ok {
					cos = cosmeticLines(c)
					cosmetic[c.SHA] = cos
				}
				o, renamed := cos[fc.Path][cu.cur]
				if !renamed {
					out[cu.orig] = c.SHA
					continue
				}
				old = o
			}
			cu.cur = old
			if fc.OldPath != "" {
				cu.path = fc.OldPath
			}
			next = append(next, cu)
		}
		open = next
	}
	return out, nil
}

// fileChange finds the change to path (its path after the commit) in c.
func fileChange(c Change, path string) (FileChange, bool) {
	for _, f := range c.Files {
		if f.Path == path && f.Status != "removed" {
			return f, true
		}
	}
	return FileChange{}, false
}

// shortSHA abbreviates a commit id for messages.
func shortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
