package skills

import (
	"go/scanner"
	"go/token"
	"strings"
)

// cosmeticLines finds the lines a commit only renamed: a block of removed
// lines replaced by as many added lines whose Go tokens are the same except
// for identifiers, where every identifier substitution recurs on at least
// two lines of the commit (a rename, not a swapped call). It returns, per
// file path after the commit, new line → old line. Blame looks through
// these lines to the commit that wrote the code.
func cosmeticLines(c Change) map[string]map[int]int {
	type pair struct {
		path     string
		newLine  int
		oldLine  int
		renaming [][2]string
	}
	var pairs []pair
	count := map[[2]string]int{}
	for _, f := range c.Files {
		if !strings.HasSuffix(f.Path, ".go") || f.Patch == "" {
			continue
		}
		hs, err := parseHunks(f.Patch)
		if err != nil {
			continue
		}
		for _, h := range hs {
			for _, p := range changeBlocks(h) {
				subs, ok := identOnlyDiff(p.old, p.new)
				if !ok {
					continue
				}
				seen := map[[2]string]bool{}
				for _, s := range subs {
					if !seen[s] {
						seen[s] = true
						count[s]++
					}
				}
				pairs = append(pairs, pair{f.Path, p.newLine, p.oldLine, subs})
			}
		}
	}
	out := map[string]map[int]int{}
	for _, p := range pairs {
		ok := true
		for _, s := range p.renaming {
			if count[s] < 2 {
				ok = false
			}
		}
		if !ok {
			continue
		}
		if out[p.path] == nil {
			out[p.path] = map[int]int{}
		}
		out[p.path][p.newLine] = p.oldLine
	}
	return out
}

// linePair is a removed line and the added line that replaced it.
type linePair struct {
	old, new         string
	oldLine, newLine int
}

// changeBlocks pairs removed and added lines in runs of k "-" lines
// followed by k "+" lines.
func changeBlocks(h hunk) []linePair {
	var out []linePair
	o, n := h.oldStart, h.newStart
	for i := 0; i < len(h.ops); {
		if h.ops[i] == ' ' {
			o, n, i = o+1, n+1, i+1
			continue
		}
		j := i
		for j < len(h.ops) && h.ops[j] == '-' {
			j++
		}
		k := j
		for k < len(h.ops) && h.ops[k] == '+' {
			k++
		}
		removed, added := j-i, k-j
		if removed == added && removed > 0 {
			for m := range removed {
				out = append(out, linePair{old: h.text[i+m], new: h.text[j+m], oldLine: o + m, newLine: n + m})
			}
		}
		o, n = o+removed, n+added
		if k == i { // a lone '+' run or an unexpected op
			k = i + 1
			if h.ops[i] == '+' {
				n++
			}
		}
		i = k
	}
	return out
}

// identOnlyDiff reports whether two Go lines have the same tokens except
// for identifiers (comments and spacing do not count), and lists the
// identifier substitutions.
func identOnlyDiff(a, b string) ([][2]string, bool) {
	ta, tb := goTokens(a), goTokens(b)
	if len(ta) != len(tb) {
		return nil, false
	}
	var subs [][2]string
	for i := range ta {
		if ta[i].tok != tb[i].tok {
			return nil, false
		}
		if ta[i].lit == tb[i].lit {
			continue
		}
		if ta[i].tok != token.IDENT {
			return nil, false
		}
		subs = append(subs, [2]string{ta[i].lit, tb[i].lit})
	}
	return subs, true
}

type lexeme struct {
	tok token.Token
	lit string
}

// goTokens scans one line of Go, without comments.
func goTokens(line string) []lexeme {
	var s scanner.Scanner
	fset := token.NewFileSet()
	src := []byte(line)
	file := fset.AddFile("", fset.Base(), len(src))
	s.Init(file, src, func(token.Position, string) {}, 0)
	var out []lexeme
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		if lit == "" {
			lit = tok.String()
		}
		out = append(out, lexeme{tok, lit})
	}
}

// codeLines counts the changed lines of a file that can change what the
// service runs: in Go, lines with tokens other than comments; in other
// files that isCode accepts, every changed line.
func codeLines(f FileChange) int {
	if !isCode(f.Path) {
		return 0
	}
	if !strings.HasSuffix(f.Path, ".go") || f.Patch == "" {
		return f.Additions + f.Deletions
	}
	n := 0
	for line := range strings.SplitSeq(f.Patch, "\n") {
		if (strings.HasPrefix(line, "+") || strings.HasPrefix(line, "-")) && len(goTokens(line[1:])) > 0 {
			n++
		}
	}
	return n
}
