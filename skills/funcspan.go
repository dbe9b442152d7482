package skills

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
)

// funcSpan is where a function is declared in a Go file.
type funcSpan struct {
	// Name is the function as a profile names it without the package:
	// "F", "(*T).M" or "T.M".
	Name       string
	Start, End int
}

// parseFuncSpans lists the function declarations of a Go source file with
// their line spans.
func parseFuncSpans(path string, src []byte) ([]funcSpan, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	var spans []funcSpan
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		spans = append(spans, funcSpan{
			Name:  declName(fd),
			Start: fset.Position(fd.Pos()).Line,
			End:   fset.Position(fd.End()).Line,
		})
	}
	return spans, nil
}

// declName renders a declaration's name as the Go runtime does:
// "F", "(*T).M", "T.M" (type parameters dropped).
func declName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := false
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = true, s.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	id, _ := t.(*ast.Ident)
	recv := "?"
	if id != nil {
		recv = id.Name
	}
	if star {
		return "(*" + recv + ")." + fd.Name.Name
	}
	return recv + "." + fd.Name.Name
}

// findSpan returns the span of the function a profile calls fn, or the
// declaration containing line when the name is not found (a closure or a
// renamed function).
func findSpan(spans []funcSpan, fn string, line int) (funcSpan, bool) {
	_, rest := funcPackage(fn)
	for _, s := range spans {
		if s.Name == rest {
			return s, true
		}
	}
	for _, s := range spans {
		if line >= s.Start && line <= s.End {
			return s, true
		}
	}
	return funcSpan{}, false
}
