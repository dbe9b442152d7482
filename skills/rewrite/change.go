package rewrite

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"sort"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/packages"
)

// change is one rewrite being made in one function.
type change struct {
	pkg            *packages.Package
	file           *ast.File
	decl           *ast.FuncDecl
	name, function string
	edits          []textEdit
	imports        []string
	changes        []string
	taken          map[string]bool
}

// textEdit replaces the source between two positions, as an analysis
// suggested fix does.
type textEdit struct {
	pos, end token.Pos
	text     string
}

func (c *change) notSafe(format string, a ...any) error {
	return &NotSafeError{Rewrite: c.name, Function: c.function, Reason: fmt.Sprintf(format, a...)}
}

func (c *change) replace(n ast.Node, text string) {
	c.edits = append(c.edits, textEdit{pos: n.Pos(), end: n.End(), text: text})
}

func (c *change) insert(at token.Pos, text string) {
	c.edits = append(c.edits, textEdit{pos: at, end: at, text: text})
}

// src is n's source text.
func (c *change) src(n ast.Node) string {
	tf := c.pkg.Fset.File(n.Pos())
	data, err := os.ReadFile(tf.Name())
	if err != nil {
		return ""
	}
	return string(data[tf.Offset(n.Pos()):tf.Offset(n.End())])
}

// fresh returns an identifier based on base that no file of the package
// uses.
func (c *change) fresh(base string) string {
	if c.taken == nil {
		c.taken = map[string]bool{}
		for _, f := range c.pkg.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					c.taken[id.Name] = true
				}
				return true
			})
		}
	}
	name := base
	for i := 2; c.taken[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	c.taken[name] = true
	return name
}

// importName returns the name under which the file refers to package
// path, adding the import when it has none; ok is false when the file
// imports it under another name or uses that name for something else.
func (c *change) importName(path string) (string, bool) {
	base := path[strings.LastIndexByte(path, '/')+1:]
	for _, im := range c.file.Imports {
		if strings.Trim(im.Path.Value, `"`) == path {
			if im.Name != nil && im.Name.Name != base {
				return "", false
			}
			return base, true
		}
	}
	if c.pkg.Types.Scope().Lookup(base) != nil {
		return "", false
	}
	for _, im := range c.file.Imports {
		if im.Name != nil && im.Name.Name == base {
			return "", false
		}
	}
	c.imports = append(c.imports, path)
	return base, true
}

// apply makes the edits in the file's source, adds imports and formats it.
func (c *change) apply() ([]byte, error) {
	tf := c.pkg.Fset.File(c.file.Pos())
	data, err := os.ReadFile(tf.Name())
	if err != nil {
		return nil, err
	}
	edits := append([]textEdit{}, c.edits...)
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].pos > edits[j].pos })
	out := data
	for _, e := range edits {
		s, t := tf.Offset(e.pos), tf.Offset(e.end)
		out = append(append(append([]byte{}, out[:s]...), e.text...), out[t:]...)
	}
	if len(c.imports) > 0 {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, tf.Name(), out, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("parse rewritten source: %w", err)
		}
		for _, im := range c.imports {
			astutil.AddImport(fset, f, im)
		}
		var buf bytes.Buffer
		if err := format.Node(&buf, fset, f); err != nil {
			return nil, fmt.Errorf("format rewritten source: %w", err)
		}
		out = buf.Bytes()
	}
	formatted, err := format.Source(out)
	if err != nil {
		return nil, fmt.Errorf("format rewritten source: %w", err)
	}
	return formatted, nil
}

// callee returns the package-level function or method a call calls, if
// known.
func (c *change) callee(call *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return nil
	}
	fn, _ := c.pkg.TypesInfo.Uses[id].(*types.Func)
	return fn
}

// isFunc reports whether call calls pkg.name.
func (c *change) isFunc(call *ast.CallExpr, pkg string, names ...string) bool {
	fn := c.callee(call)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != pkg {
		return false
	}
	if sig, _ := fn.Type().(*types.Signature); sig != nil && sig.Recv() != nil {
		return false
	}
	for _, n := range names {
		if fn.Name() == n {
			return true
		}
	}
	return false
}

// parents maps each node of the function to its parent.
func (c *change) parents() map[ast.Node]ast.Node {
	m := map[ast.Node]ast.Node{}
	var stack []ast.Node
	ast.Inspect(c.decl, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if len(stack) > 0 {
			m[n] = stack[len(stack)-1]
		}
		stack = append(stack, n)
		return true
	})
	return m
}

// localVar returns the local variable id refers to, if it is one declared
// in the function: a parameter, result or variable of its body.
func (c *change) localVar(id *ast.Ident) *types.Var {
	obj := c.pkg.TypesInfo.ObjectOf(id)
	v, ok := obj.(*types.Var)
	if !ok || v.IsField() || v.Pos() < c.decl.Pos() || v.Pos() >= c.decl.End() {
		return nil
	}
	return v
}

// uses lists the identifiers in n that refer to v.
func (c *change) uses(n ast.Node, v *types.Var) []*ast.Ident {
	var out []*ast.Ident
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && c.pkg.TypesInfo.Uses[id] == v {
			out = append(out, id)
		}
		return true
	})
	return out
}

// captured reports whether v is used inside a function literal of the
// function or has its address taken.
func (c *change) captured(v *types.Var, parents map[ast.Node]ast.Node) bool {
	for _, id := range c.uses(c.decl.Body, v) {
		if u, ok := parents[id].(*ast.UnaryExpr); ok && u.Op == token.AND {
			return true
		}
		for p := parents[id]; p != nil; p = parents[p] {
			if _, ok := p.(*ast.FuncLit); ok {
				return true
			}
		}
	}
	return false
}

// isResult reports whether v is a named result of the function.
func (c *change) isResult(v *types.Var) bool {
	if c.decl.Type.Results == nil {
		return false
	}
	for _, f := range c.decl.Type.Results.List {
		for _, n := range f.Names {
			if c.pkg.TypesInfo.Defs[n] == v {
				return true
			}
		}
	}
	return false
}
