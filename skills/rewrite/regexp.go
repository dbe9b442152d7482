package rewrite

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// hoistRegexp moves regexp.MustCompile calls with a constant pattern out
// of the function into package-level variables (see the package doc).
func hoistRegexp(c *change) error {
	parents := c.parents()
	var (
		calls   []*ast.CallExpr
		refused error
	)
	ast.Inspect(c.decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch {
		case c.isFunc(call, "regexp", "MustCompile", "MustCompilePOSIX"):
			calls = append(calls, call)
		case c.isFunc(call, "regexp", "Compile", "CompilePOSIX", "MatchString", "Match"):
			if refused == nil {
				refused = c.notSafe("regexp.%s returns an error the code handles; compile once by hand", c.callee(call).Name())
			}
		}
		return true
	})
	if len(calls) == 0 {
		if refused != nil {
			return refused
		}
		return c.notSafe("no regexp.MustCompile in the function")
	}
	vars := map[string]string{} // pattern source → variable
	var decls []string
	for _, call := range calls {
		fn := c.callee(call).Name()
		if len(call.Args) != 1 {
			return c.notSafe("regexp.%s with %d arguments", fn, len(call.Args))
		}
		tv := c.pkg.TypesInfo.Types[call.Args[0]]
		if tv.Value == nil || tv.Value.Kind() != constant.String {
			return c.notSafe("the pattern of regexp.%s at %s is not a constant", fn, c.pos(call))
		}
		pattern := constant.StringVal(tv.Value)
		compile := regexp.Compile
		if fn == "MustCompilePOSIX" {
			compile = regexp.CompilePOSIX
		}
		if _, err := compile(pattern); err != nil {
			return c.notSafe("the pattern at %s does not compile (%v): compiling it at start-up would panic there", c.pos(call), err)
		}
		if err := c.sharedUse(call, parents); err != nil {
			return err
		}
		lit := c.src(call.Args[0])
		if _, ok := call.Args[0].(*ast.BasicLit); !ok {
			lit = quote(pattern)
		}
		key := fn + " " + lit
		name, ok := vars[key]
		if !ok {
			name = c.fresh(lowerFirst(c.decl.Name.Name) + "RE")
			vars[key] = name
			regexpPkg := c.src(ast.Unparen(call.Fun).(*ast.SelectorExpr).X)
			decls = append(decls, fmt.Sprintf("// %s is compiled once, when the program starts, instead of on every call of %s.\nvar %s = %s.%s(%s)",
				name, c.decl.Name.Name, name, regexpPkg, fn, lit))
			c.changes = append(c.changes, fmt.Sprintf("%s: regexp.%s(%s) compiled once, as package-level %s", c.pos(call), fn, lit, name))
		}
		c.replace(call, name)
	}
	c.insert(c.decl.End(), "\n\n"+strings.Join(decls, "\n\n"))
	return nil
}

// sharedUse checks that the *Regexp a call returns is only used in ways a
// shared one can be: as the receiver of a method other than Longest,
// directly or through a local variable used for nothing else.
func (c *change) sharedUse(call *ast.CallExpr, parents map[ast.Node]ast.Node) error {
	p := parents[call]
	for {
		if pe, ok := p.(*ast.ParenExpr); ok {
			p = parents[pe]
			continue
		}
		break
	}
	if sel, ok := p.(*ast.SelectorExpr); ok {
		return c.methodUse(sel, parents)
	}
	var id *ast.Ident
	switch s := p.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE && len(s.Lhs) == 1 && len(s.Rhs) == 1 {
			id, _ = s.Lhs[0].(*ast.Ident)
		}
	case *ast.ValueSpec:
		if len(s.Names) == 1 && len(s.Values) == 1 {
			id = s.Names[0]
		}
	}
	if id == nil {
		return c.notSafe("the regexp compiled at %s is passed on or stored, where its caller could call Longest on it or compare it", c.pos(call))
	}
	v := c.localVar(id)
	if v == nil {
		return c.notSafe("the regexp compiled at %s is assigned to %s, not a new local variable", c.pos(call), id.Name)
	}
	for _, use := range c.uses(c.decl.Body, v) {
		sel, ok := parents[use].(*ast.SelectorExpr)
		if !ok || sel.X != use {
			return c.notSafe("%s (the regexp compiled at %s) is used at %s other than for a method call", id.Name, c.pos(call), c.pos(use))
		}
		if err := c.methodUse(sel, parents); err != nil {
			return err
		}
	}
	return nil
}

// methodUse checks that sel is a call of a method other than Longest.
func (c *change) methodUse(sel *ast.SelectorExpr, parents map[ast.Node]ast.Node) error {
	if sel.Sel.Name == "Longest" {
		return c.notSafe("Longest is called at %s: it changes the regexp, which would then be shared by every call", c.pos(sel))
	}
	if call, ok := parents[sel].(*ast.CallExpr); !ok || call.Fun != sel {
		return c.notSafe("the method value %s at %s outlives the call", sel.Sel.Name, c.pos(sel))
	}
	return nil
}

// pos renders n's position as file:line.
func (c *change) pos(n ast.Node) string {
	p := c.pkg.Fset.Position(n.Pos())
	return fmt.Sprintf("%s:%d", p.Filename[strings.LastIndexAny(p.Filename, `/\`)+1:], p.Line)
}

// quote writes s as a Go string literal: raw when it can be.
func quote(s string) string {
	if !strings.ContainsAny(s, "`\r") && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != '\t' }) < 0 {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}
