package rewrite

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"os"
	"path/filepath"
	"strings"

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
