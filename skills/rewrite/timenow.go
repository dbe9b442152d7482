package rewrite

import (
	"fmt"
	"go/ast"
	"go/types"
)

// hoistTimeNow reads the clock once before a loop that reads it on every
// iteration and does nothing anyone else can observe (see the package
// doc).
func hoistTimeNow(c *change) error {
	parents := c.parents()
	byLoop := map[ast.Stmt][]*ast.CallExpr{}
	var loops []ast.Stmt
	ast.Inspect(c.decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || !c.isFunc(call, "time", "Now") {
			return true
		}
		if loop := enclosingLoop(call, parents); loop != nil {
			if _, seen := byLoop[loop]; !seen {
				loops = append(loops, loop)
			}
			byLoop[loop] = append(byLoop[loop], call)
		}
		return true
	})
	if len(loops) == 0 {
		return c.notSafe("no time.Now() inside a loop")
	}
	var first error
	for _, loop := range loops {
		if outer := enclosingLoop(loop, parents); outer != nil && byLoop[outer] != nil {
			continue // the outer loop's reading covers it
		}
		if err := c.quietLoop(loop, parents); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		timePkg := c.src(ast.Unparen(byLoop[loop][0].Fun).(*ast.SelectorExpr).X)
		now := c.fresh("now")
		c.insert(loop.Pos(), fmt.Sprintf("%s := %s.Now()\n%s", now, timePkg, c.indent(loop)))
		for _, call := range byLoop[loop] {
			c.replace(call, now)
		}
		c.changes = append(c.changes, fmt.Sprintf("%s: the clock read once before the loop (%d time.Now call(s) in it)", c.pos(loop), len(byLoop[loop])))
	}
	if len(c.edits) == 0 {
		return first
	}
	return nil
}

// quietLoop checks that loop calls nothing but builtins, conversions,
// time.Now and methods of time values, and has no channel operation,
// select, go or defer: nothing in it can observe the clock moving.
func (c *change) quietLoop(loop ast.Stmt, parents map[ast.Node]ast.Node) error {
	var bad error
	ast.Inspect(loop, func(n ast.Node) bool {
		if bad != nil {
			return false
		}
		switch x := n.(type) {
		case *ast.SendStmt, *ast.SelectStmt, *ast.GoStmt, *ast.DeferStmt:
			bad = c.notSafe("the loop at %s communicates or defers at %s", c.pos(loop), c.pos(x))
		case *ast.UnaryExpr:
			if x.Op.String() == "<-" {
				bad = c.notSafe("the loop at %s receives from a channel at %s", c.pos(loop), c.pos(x))
			}
		case *ast.CallExpr:
			if c.pkg.TypesInfo.Types[x.Fun].IsType() {
				return true
			}
			if b, ok := c.pkg.TypesInfo.Uses[ident(x.Fun)].(*types.Builtin); ok && b.Name() != "panic" && b.Name() != "print" && b.Name() != "println" {
				return true
			}
			if c.isFunc(x, "time", "Now") {
				return true
			}
			if fn := c.callee(x); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "time" {
				if sig, _ := fn.Type().(*types.Signature); sig != nil && sig.Recv() != nil {
					if named, ok := sig.Recv().Type().(*types.Named); ok && (named.Obj().Name() == "Time" || named.Obj().Name() == "Duration") {
						return true // values: their methods are pure
					}
				}
			}
			bad = c.notSafe("the loop at %s calls %s at %s, which could observe the clock moving", c.pos(loop), c.src(x.Fun), c.pos(x))
		}
		return true
	})
	return bad
}
