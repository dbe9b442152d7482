package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// stringBuilder turns `s += e` on a local string in a loop into writes to
// a strings.Builder (see the package doc).
func stringBuilder(c *change) error {
	parents := c.parents()
	type site struct {
		loop ast.Stmt
		v    *types.Var
	}
	var (
		order []site
		adds  = map[site][]*ast.AssignStmt{}
	)
	var first error
	ast.Inspect(c.decl.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.ADD_ASSIGN || len(as.Lhs) != 1 {
			return true
		}
		id, ok := as.Lhs[0].(*ast.Ident)
		if !ok {
			return true
		}
		v := c.localVar(id)
		if v == nil || !types.Identical(v.Type(), types.Typ[types.String]) {
			return true
		}
		loop := enclosingLoop(as, parents)
		if loop == nil {
			return true
		}
		s := site{loop, v}
		if _, seen := adds[s]; !seen {
			order = append(order, s)
		}
		adds[s] = append(adds[s], as)
		return true
	})
	if len(order) == 0 {
		return c.notSafe("no += on a local string inside a loop")
	}
	strs, ok := "", false
	for _, s := range order {
		if err := c.builderSafe(s.loop, s.v, adds[s], parents); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		if !ok {
			if strs, ok = c.importName("strings"); !ok {
				return c.notSafe("the file uses the name strings for something else")
			}
		}
		b := c.fresh(s.v.Name() + "Builder")
		for _, as := range adds[s] {
			c.replace(as, c.write(b, as.Rhs[0]))
		}
		indent := c.indent(s.loop)
		c.insert(s.loop.Pos(), fmt.Sprintf("var %s %s.Builder\n%s%s.WriteString(%s)\n%s", b, strs, indent, b, s.v.Name(), indent))
		c.insert(s.loop.End(), fmt.Sprintf("\n%s%s = %s.String()", indent, s.v.Name(), b))
		c.changes = append(c.changes, fmt.Sprintf("%s: %s built in a strings.Builder across the loop instead of by += (%d place(s))", c.pos(s.loop), s.v.Name(), len(adds[s])))
	}
	if len(c.edits) == 0 {
		return first
	}
	return nil
}

// write is the statement that appends e to builder b.
func (c *change) write(b string, e ast.Expr) string {
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok && c.isFunc(call, "fmt", "Sprintf") && call.Ellipsis == token.NoPos {
		fmtName := c.src(ast.Unparen(call.Fun).(*ast.SelectorExpr).X)
		args := make([]string, 0, len(call.Args))
		for _, a := range call.Args {
			args = append(args, c.src(a))
		}
		return fmt.Sprintf("%s.Fprintf(&%s, %s)", fmtName, b, strings.Join(args, ", "))
	}
	return fmt.Sprintf("%s.WriteString(%s)", b, c.src(e))
}

// builderSafe checks that no one can see v between the loop's writes.
func (c *change) builderSafe(loop ast.Stmt, v *types.Var, adds []*ast.AssignStmt, parents map[ast.Node]ast.Node) error {
	if c.isResult(v) {
		return c.notSafe("%s is a named result: a deferred function or a panic could see it mid-loop", v.Name())
	}
	if c.captured(v, parents) {
		return c.notSafe("%s is captured by a closure or has its address taken", v.Name())
	}
	if _, ok := parents[loop].(*ast.BlockStmt); !ok {
		return c.notSafe("the loop at %s is labelled or not in a block", c.pos(loop))
	}
	lhs := map[*ast.Ident]bool{}
	for _, as := range adds {
		lhs[as.Lhs[0].(*ast.Ident)] = true
		t := c.pkg.TypesInfo.Types[as.Rhs[0]]
		if !types.Identical(t.Type, types.Typ[types.String]) && !types.Identical(t.Type, types.Typ[types.UntypedString]) {
			return c.notSafe("%s += at %s adds a %s, not a string", v.Name(), c.pos(as), t.Type)
		}
	}
	for _, id := range c.uses(loop, v) {
		if !lhs[id] {
			return c.notSafe("%s is read inside the loop at %s", v.Name(), c.pos(id))
		}
	}
	var bad ast.Node
	ast.Inspect(loop, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			bad = s
		case *ast.BranchStmt:
			if s.Tok == token.GOTO || s.Label != nil {
				bad = s
			}
		}
		return bad == nil
	})
	if bad != nil {
		return c.notSafe("the loop can be left at %s before %s is set from the builder", c.pos(bad), v.Name())
	}
	return nil
}

// enclosingLoop is the innermost for or range statement around n inside
// the function, not crossing a function literal.
func enclosingLoop(n ast.Node, parents map[ast.Node]ast.Node) ast.Stmt {
	for p := parents[n]; p != nil; p = parents[p] {
		switch l := p.(type) {
		case *ast.ForStmt:
			if l.Body != nil {
				return l
			}
		case *ast.RangeStmt:
			return l
		case *ast.FuncLit:
			return nil
		}
	}
	return nil
}

// indent is the whitespace before n on its line.
func (c *change) indent(n ast.Node) string {
	col := c.pkg.Fset.Position(n.Pos()).Column
	return strings.Repeat("\t", max(col-1, 0))
}
