package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/mod/semver"
)

// presizeAppend grows a fresh local slice once before a range loop that
// appends to it on every iteration (see the package doc).
func presizeAppend(c *change) error {
	if gv := c.goVersion(); gv != "" && semver.Compare("v"+gv, "v1.21") < 0 {
		return c.notSafe("the module's go %s has no slices.Grow (go 1.21)", gv)
	}
	parents := c.parents()
	var (
		first error
		done  = map[*types.Var]bool{}
	)
	ast.Inspect(c.decl.Body, func(n ast.Node) bool {
		loop, ok := n.(*ast.RangeStmt)
		if !ok {
			return true
		}
		for _, st := range loop.Body.List {
			v, ok := c.appendTo(st)
			if ok && !done[v] {
				err := c.presizeSafe(loop, st, v, parents)
				if err == nil {
					done[v] = true
					err = c.presize(loop, v)
				}
				if err != nil && first == nil {
					first = err
				}
			}
			if branches(st) {
				break // what follows may be skipped
			}
		}
		return true
	})
	if len(c.edits) == 0 {
		if first == nil {
			first = c.notSafe("no `v = append(v, x)` as a statement of a range loop")
		}
		return first
	}
	return nil
}

// appendTo returns v when st is `v = append(v, x)` with one element.
func (c *change) appendTo(st ast.Stmt) (*types.Var, bool) {
	as, ok := st.(*ast.AssignStmt)
	if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return nil, false
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	call, ok2 := as.Rhs[0].(*ast.CallExpr)
	if !ok || !ok2 || len(call.Args) != 2 || call.Ellipsis != token.NoPos {
		return nil, false
	}
	if b, ok := c.pkg.TypesInfo.Uses[ident(call.Fun)].(*types.Builtin); !ok || b.Name() != "append" {
		return nil, false
	}
	first := ident(call.Args[0])
	v := c.localVar(id)
	if v == nil || first == nil || c.pkg.TypesInfo.Uses[first] != v {
		return nil, false
	}
	return v, true
}

func ident(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}

// branches reports whether st can skip the statements after it in its
// block: it holds a branch, return, goto or panic outside a closure, or
// any conditional statement that does.
func branches(st ast.Stmt) bool {
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt, *ast.ReturnStmt:
			found = true
		case *ast.CallExpr:
			if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "panic" {
				found = true
			}
		}
		return !found
	})
	return found
}

// presizeSafe checks that growing v before loop cannot be seen.
func (c *change) presizeSafe(loop *ast.RangeStmt, st ast.Stmt, v *types.Var, parents map[ast.Node]ast.Node) error {
	if c.captured(v, parents) {
		return c.notSafe("%s is captured by a closure or has its address taken", v.Name())
	}
	if c.isResult(v) || v.Pos() < c.decl.Body.Pos() {
		return c.notSafe("%s is a parameter or result: its backing array may be shared with the caller's", v.Name())
	}
	if _, ok := parents[loop].(*ast.BlockStmt); !ok {
		return c.notSafe("the loop at %s is labelled or not in a block", c.pos(loop))
	}
	if v.Pos() > loop.Pos() {
		return c.notSafe("%s is declared inside the loop", v.Name())
	}
	if !c.freshSlice(v, parents) {
		return c.notSafe("%s does not start as a new empty slice (declared without a value, []T{} or make([]T, 0)): its backing array could be shared", v.Name())
	}
	for _, id := range c.uses(c.decl.Body, v) {
		as, ok := parents[id].(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || as.Lhs[0] != id {
			continue
		}
		if w, ok := c.appendTo(as); !ok || w != v {
			return c.notSafe("%s is assigned other than by append at %s", v.Name(), c.pos(as))
		}
	}
	switch ast.Unparen(loop.X).(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.BasicLit:
	default:
		return c.notSafe("the range expression at %s is not a plain variable: evaluating it twice could differ", c.pos(loop.X))
	}
	if sel, ok := ast.Unparen(loop.X).(*ast.SelectorExpr); ok && !plainSelector(sel) {
		return c.notSafe("the range expression at %s is not a plain variable", c.pos(loop.X))
	}
	t := c.pkg.TypesInfo.TypeOf(loop.X)
	if t == nil {
		return c.notSafe("no type for the range expression")
	}
	switch u := t.Underlying().(type) {
	case *types.Slice, *types.Array, *types.Map:
	case *types.Basic:
		if u.Info()&types.IsString == 0 && u.Kind() != types.Int && u.Kind() != types.UntypedInt {
			return c.notSafe("range over %s: only strings and ints have a length to grow by", t)
		}
	case *types.Pointer:
		if _, ok := u.Elem().Underlying().(*types.Array); !ok {
			return c.notSafe("range over %s has no length", t)
		}
	default:
		return c.notSafe("range over %s has no known length", t)
	}
	return nil
}

func plainSelector(sel *ast.SelectorExpr) bool {
	switch x := ast.Unparen(sel.X).(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return plainSelector(x)
	}
	return false
}

// freshSlice reports whether v is declared with no value, or as []T{} or
// make([]T, 0).
func (c *change) freshSlice(v *types.Var, parents map[ast.Node]ast.Node) bool {
	var def *ast.Ident
	for id, obj := range c.pkg.TypesInfo.Defs {
		if obj == v {
			def = id
		}
	}
	if def == nil {
		return false
	}
	var init ast.Expr
	switch p := parents[def].(type) {
	case *ast.ValueSpec:
		if len(p.Values) == 0 {
			return true
		}
		if len(p.Values) != len(p.Names) {
			return false
		}
		for i, n := range p.Names {
			if n == def {
				init = p.Values[i]
			}
		}
	case *ast.AssignStmt:
		if len(p.Lhs) != len(p.Rhs) {
			return false
		}
		for i, n := range p.Lhs {
			if n == def {
				init = p.Rhs[i]
			}
		}
	}
	switch x := ast.Unparen(init).(type) {
	case *ast.CompositeLit:
		return len(x.Elts) == 0
	case *ast.CallExpr:
		b, ok := c.pkg.TypesInfo.Uses[ident(x.Fun)].(*types.Builtin)
		if !ok || b.Name() != "make" || len(x.Args) != 2 {
			return false
		}
		tv := c.pkg.TypesInfo.Types[x.Args[1]]
		return tv.Value != nil && tv.Value.String() == "0"
	}
	return false
}

// presize inserts the slices.Grow before loop.
func (c *change) presize(loop *ast.RangeStmt, v *types.Var) error {
	slicesName, ok := c.importName("slices")
	if !ok {
		return c.notSafe("the file uses the name slices for something else")
	}
	n := "len(" + c.src(loop.X) + ")"
	if b, ok := c.pkg.TypesInfo.TypeOf(loop.X).Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
		n = "max(" + c.src(loop.X) + ", 0)" // ranging over a negative int runs no iteration
	}
	c.insert(loop.Pos(), fmt.Sprintf("%s = %s.Grow(%s, %s)\n%s", v.Name(), slicesName, v.Name(), n, c.indent(loop)))
	c.changes = append(c.changes, fmt.Sprintf("%s: %s grown once to %s before the loop instead of by repeated appends", c.pos(loop), v.Name(), strings.TrimSpace(n)))
	return nil
}

// goVersion is the go directive of the package's module.
func (c *change) goVersion() string {
	if c.pkg.Module == nil {
		return ""
	}
	return c.pkg.Module.GoVersion
}
