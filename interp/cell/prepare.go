package cell

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// unit is one parsed item of a cell, ready to evaluate.
type unit struct {
	item
	fset   *token.FileSet
	file   *ast.File
	prefix int    // bytes of wrapping before the item's text in the parsed source
	out    string // the item's text after rewriting
	stmts  []ast.Stmt
	edits  []edit
	// defines are the package-level names the item defines.
	defines []string
	hoist   bool
}

const (
	declPrefix = "package main\n"
	stmtPrefix = "package main\nfunc _() {\n"
)

// parseUnit parses one item.
func parseUnit(it item) (*unit, error) {
	u := &unit{item: it, fset: token.NewFileSet()}
	var src string
	if it.isDecl() {
		u.prefix = len(declPrefix)
		src = declPrefix + it.src + "\n"
	} else {
		u.prefix = len(stmtPrefix)
		src = stmtPrefix + it.src + "\n}\n"
	}
	f, err := parser.ParseFile(u.fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	u.file = f
	if !it.isDecl() {
		fd, ok := f.Decls[0].(*ast.FuncDecl)
		if !ok || len(f.Decls) != 1 {
			return nil, errors.New("unexpected statement")
		}
		u.stmts = fd.Body.List
	}
	return u, nil
}

// stmtOrDeclSource is the source the unit's file was parsed from.
func stmtOrDeclSource(u *unit) string {
	if u.isDecl() {
		return declPrefix + u.src + "\n"
	}
	return stmtPrefix + u.src + "\n}\n"
}

// offset converts a position in the parsed source to an offset in the item.
func (u *unit) offset(p token.Pos) int {
	off := u.fset.Position(p).Offset - u.prefix
	if off < 0 {
		off = 0
	}
	if off > len(u.src) {
		off = len(u.src)
	}
	return off
}

// cellPos renders an error position of a parse of the item as a cell position.
func (u *unit) cellPos(code string, cell int, p token.Position) string {
	off := p.Offset - u.prefix
	if off < 0 {
		off = 0
	}
	if off > len(u.src) {
		off = len(u.src)
	}
	return cellPosition(code, cell, u.off+off)
}

// prepare splits, parses, auto-imports and rewrites a cell, as cell
// number cell of scope s, and marks the declarations to hoist.
func prepare(s Scope, code string, cell int) ([]*unit, error) {
	code, pkg, program := packageClause(code)
	items, err := splitCell(code)
	if err != nil {
		return nil, &Error{Name: "CompileError", Message: cellName(cell) + ":" + err.Error()}
	}
	var units []*unit
	var syntax []string // the syntax errors of all the items, as go build reports them
	for _, it := range items {
		u, err := parseUnit(it)
		if err != nil {
			syntax = append(syntax, parseErrorLines(u0(it), code, cell, err)...)
			continue
		}
		units = append(units, u)
	}
	if len(syntax) > 0 {
		return nil, &Error{Name: "CompileError", Message: strings.Join(limitErrors(syntax), "\n")}
	}
	if err := unsupportedTopLevel(code, cell, units); err != nil {
		return nil, err
	}
	units = renameLocalTypes(units, s.Definitions())
	cellNames := map[string]bool{}
	for _, u := range units {
		u.defines = definedNames(u)
		for _, n := range u.defines {
			cellNames[n] = true
		}
	}
	imports := autoImports(s, units, cellNames)
	rewriteUnits(s, units, cell, cellNames)
	for _, u := range imports {
		u.out = u.src
	}
	// Statement-defined names decide which declarations may be hoisted.
	stmtNames := map[string]bool{}
	for _, u := range units {
		if !u.isDecl() || u.kind == kindVar {
			for _, n := range u.defines {
				stmtNames[n] = true
			}
		}
	}
	// A declaration that uses one that cannot be hoisted cannot be either
	// (func main calling a func that reads a var): to a fixed point.
	for changed := true; changed; {
		changed = false
		for _, u := range units {
			switch u.kind {
			case kindType, kindFunc, kindConst:
				u.hoist = !mentions(u.file, stmtNames)
				if u.hoist {
					continue
				}
				for _, n := range u.defines {
					if !stmtNames[n] {
						stmtNames[n], changed = true, true
					}
				}
			}
		}
	}
	if len(imports) > 0 {
		units = append(imports, units...)
	}
	if program && pkg == "main" && declaresMain(units) {
		call, err := mainCall()
		if err != nil {
			return nil, err
		}
		units = append(units, call)
	}
	return units, nil
}

// u0 is a unit for positions of an item that failed to parse.
func u0(it item) *unit {
	u := &unit{item: it}
	if it.isDecl() {
		u.prefix = len(declPrefix)
	} else {
		u.prefix = len(stmtPrefix)
	}
	return u
}

// planUnits orders units into evaluation groups: imports first, then the
// type, func and const declarations that do not depend on the cell's
// statements (Go's package scope is order-independent), then the rest in
// the cell's order, consecutive declarations or statements together.
func planUnits(units []*unit) [][]*unit {
	var imports, hoisted []*unit
	var rest []*unit
	for _, u := range units {
		switch {
		case u.kind == kindImport:
			imports = append(imports, u)
		case u.hoist:
			hoisted = append(hoisted, u)
		default:
			rest = append(rest, u)
		}
	}
	var plan [][]*unit
	if len(imports) > 0 {
		plan = append(plan, imports)
	}
	if len(hoisted) > 0 {
		plan = append(plan, hoisted)
	}
	restStart := len(plan)
	for _, u := range rest {
		if n := len(plan); n > restStart && plan[n-1][0].isDecl() == u.isDecl() {
			plan[n-1] = append(plan[n-1], u)
			continue
		}
		plan = append(plan, []*unit{u})
	}
	return plan
}

// directive positions the next line of source at the item's place in its cell.
func directive(u *unit, cell int) string {
	if u.synthetic {
		return "\n"
	}
	return fmt.Sprintf("\n//line _.go:%d:%d\n", lineOf(cell, u.line), u.col)
}

// syncCall starts every statement group (see Session.frameMu).
const syncCall = rtName + ".Sync()"

func groupSource(g []*unit, cell int) string {
	var b strings.Builder
	if !g[0].isDecl() {
		b.WriteString(directive(g[0], cell) + syncCall)
	}
	for _, u := range g {
		b.WriteString(atCall(g, u, cell))
		b.WriteString(directive(u, cell))
		b.WriteString(u.out)
		b.WriteString("\n")
	}
	return b.String()
}

// groupSourceWrapped is groupSource with the final expression passed to
// the session's value collector, so that all its results come back. With
// single, the collector takes exactly one value: yaegi v0.16.1 spreads a
// lone []any argument into a variadic ...any parameter, which showed a
// []any value as a list of results; the variadic form is for calls with
// several results, tried when the single form does not compile.
func groupSourceWrapped(g []*unit, cell int, single bool) string {
	collector := valuesFunc
	if single {
		collector = valueFunc
	}
	var b strings.Builder
	if !g[0].isDecl() {
		b.WriteString(directive(g[0], cell) + syncCall)
	}
	for i, u := range g {
		b.WriteString(atCall(g, u, cell))
		if i == len(g)-1 {
			if isCompositeLit(finalExpr(u)) {
				// yaegi v0.16.1 mishandles a composite literal of an
				// interpreted type passed straight to a function ("reflect.Set:
				// value of type bool is not assignable"); through a variable
				// it also keeps the type's methods (String) for display.
				b.WriteString(directive(u, cell))
				b.WriteString(lastValue + " := ")
				b.WriteString(u.out)
				b.WriteString("\n" + valueFunc + "(" + lastValue + ")\n")
				break
			}
			// The collector's call takes the expression's position too, so
			// that a panic in the expression points at it.
			b.WriteString(directive(u, cell))
			b.WriteString(collector + "(")
			b.WriteString(directive(u, cell))
			b.WriteString(u.out)
			b.WriteString(",\n)\n")
			break
		}
		b.WriteString(directive(u, cell))
		b.WriteString(u.out)
		b.WriteString("\n")
	}
	return b.String()
}

// lastValue holds a final composite literal (see groupSourceWrapped).
const lastValue = "_spinlabLast"

// isCompositeLit reports a composite literal, parenthesised or not.
func isCompositeLit(e ast.Expr) bool {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			break
		}
		e = p.X
	}
	_, ok := e.(*ast.CompositeLit)
	return ok
}

// finalExpr returns the expression of a unit that is an expression
// statement whose value should be shown, or nil.
func finalExpr(u *unit) ast.Expr {
	if u.isDecl() || len(u.stmts) != 1 || u.synthetic {
		return nil
	}
	es, ok := u.stmts[0].(*ast.ExprStmt)
	if !ok {
		return nil
	}
	if isPrintCall(es.X) {
		return nil
	}
	return es.X
}

// isPrintCall reports calls whose results are noise after their output:
// fmt.Print*, fmt.Fprint*, log.*, print and println.
func isPrintCall(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name == "print" || f.Name == "println"
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		if !ok {
			return false
		}
		switch x.Name {
		case "fmt":
			return strings.HasPrefix(f.Sel.Name, "Print") || strings.HasPrefix(f.Sel.Name, "Fprint")
		case "log":
			n := f.Sel.Name
			return strings.HasPrefix(n, "Print") || strings.HasPrefix(n, "Fatal") || strings.HasPrefix(n, "Panic")
		}
	}
	return false
}

// mentions reports whether the file uses any of names as an identifier.
func mentions(f *ast.File, names map[string]bool) bool {
	if len(names) == 0 {
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if found {
			return false
		}
		if id, ok := n.(*ast.Ident); ok && names[id.Name] {
			found = true
		}
		return true
	})
	return found
}
