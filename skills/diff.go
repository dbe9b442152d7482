package skills

import (
	"fmt"
	"strconv"
	"strings"
)

// hunk is one "@@ -a,b +c,d @@" block of a unified diff.
type hunk struct {
	oldStart, oldLines int
	newStart, newLines int
	// added holds the new-side line numbers of "+" lines; removed the
	// old-side line numbers of "-" lines.
	added, removed []int
	// ops is the hunk body as one byte a line: ' ', '+' or '-'; text
	// holds each line without its prefix.
	ops  []byte
	text []string
}

// parseHunks parses the hunks of one file's patch.
func parseHunks(patch string) ([]hunk, error) {
	var hunks []hunk
	var cur *hunk
	oldN, newN := 0, 0
	for line := range strings.SplitSeq(patch, "\n") {
		if strings.HasPrefix(line, "@@") {
			h, err := parseHunkHeader(line)
			if err != nil {
				return nil, err
			}
			hunks = append(hunks, h)
			cur = &hunks[len(hunks)-1]
			oldN, newN = h.oldStart, h.newStart
			continue
		}
		if cur == nil {
			continue
		}
		if line == "" {
			if oldN >= cur.oldStart+cur.oldLines && newN >= cur.newStart+cur.newLines {
				continue
			}
			line = " " // a blank context line whose space was stripped
		}
		switch line[0] {
		case '+':
			cur.added = append(cur.added, newN)
			newN++
		case '-':
			cur.removed = append(cur.removed, oldN)
			oldN++
		case ' ':
			oldN++
			newN++
		default:
			continue // "\ No newline at end of file"
		}
		cur.ops = append(cur.ops, line[0])
		cur.text = append(cur.text, line[1:])
	}
	return hunks, nil
}

// parseHunkHeader parses "@@ -a,b +c,d @@ context".
func parseHunkHeader(line string) (hunk, error) {
	var h hunk
	fields := strings.Fields(line)
	if len(fields) < 3 || !strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return h, fmt.Errorf("parse hunk header %q", line)
	}
	var err error
	if h.oldStart, h.oldLines, err = parseRange(fields[1][1:]); err != nil {
		return h, fmt.Errorf("parse hunk header %q: %w", line, err)
	}
	if h.newStart, h.newLines, err = parseRange(fields[2][1:]); err != nil {
		return h, fmt.Errorf("parse hunk header %q: %w", line, err)
	}
	return h, nil
}

func parseRange(s string) (start, n int, err error) {
	a, b, found := strings.Cut(s, ",")
	if start, err = strconv.Atoi(a); err != nil {
		return 0, 0, err
	}
	n = 1
	if found {
		if n, err = strconv.Atoi(b); err != nil {
			return 0, 0, err
		}
	}
	return start, n, nil
}

// newToOld maps a line of the new side of a file's diff to the old side.
// added reports a line the diff introduced (it has no old line).
func newToOld(hunks []hunk, n int) (old int, added bool) {
	o, nn := 1, 1 // first old and new line after the hunks walked so far
	for _, h := range hunks {
		ho, hn := h.oldStart, h.newStart
		if h.oldLines == 0 {
			ho++
		}
		if h.newLines == 0 {
			hn++
		}
		if n < hn {
			break
		}
		curO, curN := ho, hn
		for _, op := range h.ops {
			switch op {
			case ' ':
				if curN == n {
					return curO, false
				}
				curO++
				curN++
			case '+':
				if curN == n {
					return 0, true
				}
				curN++
			case '-':
				curO++
			}
		}
		o, nn = ho+h.oldLines, hn+h.newLines
	}
	return n - nn + o, false
}
