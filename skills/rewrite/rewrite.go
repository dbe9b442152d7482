package rewrite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/packages"
)

// The rewrites, by the name a pattern gives in its rewrite field.
const (
	HoistRegexp   = "hoist-regexp"
	StringBuilder = "string-builder"
	PresizeAppend = "presize-append"
	HoistTimeNow  = "hoist-time-now"
)

// Names lists the rewrites there are.
func Names() []string { return []string{HoistRegexp, StringBuilder, PresizeAppend, HoistTimeNow} }

// ErrNotSafe is what a *NotSafeError is (errors.Is).
var ErrNotSafe = errors.New("rewrite not provably safe")

// NotSafeError says why a rewrite was not made.
type NotSafeError struct {
	// Rewrite is the rewrite's name, Function the function it was tried
	// on and Reason why it could change behaviour.
	Rewrite, Function, Reason string
}

func (e *NotSafeError) Error() string {
	return fmt.Sprintf("%s in %s: not provably safe: %s", e.Rewrite, e.Function, e.Reason)
}

// Is makes errors.Is(err, ErrNotSafe) true.
func (e *NotSafeError) Is(target error) bool { return target == ErrNotSafe }

// Edit is the new content of one file.
type Edit struct {
	// Path is the file's path relative to the directory Apply was given,
	// with forward slashes.
	Path string
	// Content is the file's new content.
	Content []byte
}

// Result is a rewrite made.
type Result struct {
	// Rewrite names it; Function is the function changed and Package its
	// import path.
	Rewrite, Function, Package string
	// Edits are the files changed.
	Edits []Edit
	// Changes say what changed, one line each, for the reviewer.
	Changes []string
}

// Apply makes rewrite name on function (a profile's function name, such
// as "example.com/m/internal/api.validCoupon" or "example.com/m/p.(*T).M";
// a closure's name stands for the function it is in) in the Go module in
// dir. It returns a *NotSafeError when the change cannot be proved to keep
// behaviour, and an error when the function is not found or the package
// does not type-check.
func Apply(ctx context.Context, dir, function, name string) (Result, error) {
	fn, ok := rewrites[name]
	if !ok {
		return Result{}, fmt.Errorf("rewrite %s: no such rewrite (have %s)", name, strings.Join(Names(), ", "))
	}
	pkgPath, recv, fname, err := splitFunc(function)
	if err != nil {
		return Result{}, err
	}
	pkg, err := load(ctx, dir, pkgPath)
	if err != nil {
		return Result{}, err
	}
	decl, file := findDecl(pkg, recv, fname)
	if decl == nil || decl.Body == nil {
		return Result{}, fmt.Errorf("rewrite %s: no function %s in package %s", name, function, pkgPath)
	}
	c := &change{pkg: pkg, file: file, decl: decl, name: name, function: function}
	if err := fn(c); err != nil {
		return Result{}, err
	}
	if len(c.edits) == 0 {
		return Result{}, c.notSafe("nothing to rewrite in the function")
	}
	content, err := c.apply()
	if err != nil {
		return Result{}, fmt.Errorf("rewrite %s in %s: %w", name, function, err)
	}
	rel, err := relPath(dir, pkg.Fset.File(file.Pos()).Name())
	if err != nil {
		return Result{}, fmt.Errorf("rewrite %s: %w", name, err)
	}
	return Result{Rewrite: name, Function: function, Package: pkgPath, Changes: c.changes,
		Edits: []Edit{{Path: filepath.ToSlash(rel), Content: content}}}, nil
}

// rewrites are the rewrites by name.
var rewrites = map[string]func(*change) error{
	HoistRegexp:   hoistRegexp,
	StringBuilder: stringBuilder,
	PresizeAppend: presizeAppend,
	HoistTimeNow:  hoistTimeNow,
}

// splitFunc splits a profile function name into import path, receiver
// type (without *) and function name; closures (".func1", ".gowrap2")
// name their enclosing function.
func splitFunc(fn string) (pkg, recv, name string, err error) {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return "", "", "", fmt.Errorf("rewrite: %q is not a package-qualified function name", fn)
	}
	pkg, rest := fn[:slash+1+dot], fn[slash+1+dot+1:]
	parts := strings.Split(strings.ReplaceAll(rest, "[...]", ""), ".")
	if strings.HasPrefix(parts[0], "(") || (len(parts) > 1 && !isClosure(parts[1])) {
		recv = strings.Trim(parts[0], "(*)")
		parts = parts[1:]
	}
	if len(parts) == 0 || parts[0] == "" {
		return "", "", "", fmt.Errorf("rewrite: %q names no function", fn)
	}
	return pkg, recv, parts[0], nil
}

func isClosure(s string) bool {
	for _, p := range []string{"func", "gowrap", "deferwrap"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// load type-checks the package pkgPath of the module in dir.
func load(ctx context.Context, dir, pkgPath string) (*packages.Package, error) {
	cfg := &packages.Config{Context: ctx, Dir: dir,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes |
			packages.NeedTypesInfo | packages.NeedModule,
		Env: append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")}
	pkgs, err := packages.Load(cfg, pkgPath)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", pkgPath, err)
	}
	if len(pkgs) != 1 {
		return nil, fmt.Errorf("load %s: %d packages", pkgPath, len(pkgs))
	}
	p := pkgs[0]
	if len(p.Errors) > 0 {
		return nil, fmt.Errorf("load %s: %v", pkgPath, p.Errors[0])
	}
	return p, nil
}

// relPath is file's path relative to dir, both with symbolic links
// resolved.
func relPath(dir, file string) (string, error) {
	d, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	if d, err = filepath.Abs(d); err != nil {
		return "", err
	}
	f, err := filepath.EvalSymlinks(file)
	if err != nil {
		return "", err
	}
	return filepath.Rel(d, f)
}

// findDecl finds the declaration of function name (a method of recv when
// set) and its file.
func findDecl(pkg *packages.Package, recv, name string) (*ast.FuncDecl, *ast.File) {
	for _, f := range pkg.Syntax {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Name.Name != name {
				continue
			}
			if got := recvName(fd); got == recv {
				return fd, f
			}
		}
	}
	return nil, nil
}

func recvName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	t := fd.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

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
