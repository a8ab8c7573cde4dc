package interp

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	yaegi "github.com/traefik/yaegi/interp"

	"github.com/spinlab/spinlab/kernel/display"
)

// Cells are told apart in the interpreter's positions: line l of cell n
// is evaluated at line block(n)*lineBase+l (through //line directives), so
// that a position in any error or panic report names its cell. Line
// numbers must stay below 1<<30, so blocks are reused every cellBlocks
// cells: a position names the most recent cell with its block.
const (
	lineBase   = 100000
	cellBlocks = 10000
)

// block is the position block of a cell (0 for user expressions and snippets).
func block(cell int) int {
	if cell <= 0 {
		return 0
	}
	return (cell-1)%cellBlocks + 1
}

// lineOf is the interpreter line of line l of a cell.
func lineOf(cell, l int) int {
	if l >= lineBase {
		l = lineBase - 1
	}
	return block(cell)*lineBase + l
}

// cellOf decodes an interpreter line: the most recent cell (up to
// current) of its block, and the line in that cell.
func cellOf(line, current int) (cell, l int) {
	b, l := line/lineBase, line%lineBase
	if b == 0 || current <= 0 {
		return 0, l
	}
	d := ((block(current)-b)%cellBlocks + cellBlocks) % cellBlocks
	return current - d, l
}

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

// cellPosition renders byte offset off of a cell as "cell[n]:line:col".
func cellPosition(code string, cell, off int) string {
	if off > len(code) {
		off = len(code)
	}
	line := 1 + strings.Count(code[:off], "\n")
	col := off - strings.LastIndex(code[:off], "\n")
	return fmt.Sprintf("%s:%d:%d", cellName(cell), line, col)
}

func cellName(cell int) string {
	if cell == 0 {
		return "expr"
	}
	return "cell[" + strconv.Itoa(cell) + "]"
}

// execute runs code as cell number cell (0 for user expressions: nothing
// is recorded). Callers hold s.mu.
func (s *Session) execute(ctx context.Context, code string, cell int) (*Result, error) {
	res := &Result{}
	// An interrupted cell may still be unwinding: let it finish first.
	s.settle(s.interpreter())
	units, err := s.prepare(code, cell)
	if err != nil {
		return res, err
	}
	if len(units) == 0 {
		return res, nil
	}
	if cell > 0 {
		s.redefineTypes(units)
	}
	units = s.dropKnownImports(units)
	if len(units) == 0 {
		return res, nil
	}
	plan := planUnits(units)

	s.stderr.begin(cell)
	defer s.stderr.end()
	type placed struct {
		off, seq int
		def      Definition
	}
	var order []placed
	// Definitions in the cell's order (auto-imports first), also when a
	// later part of the cell fails: they are in the session all the same.
	defer func() {
		sort.Slice(order, func(i, j int) bool {
			if order[i].off != order[j].off {
				return order[i].off < order[j].off
			}
			return order[i].seq < order[j].seq
		})
		for _, p := range order {
			res.Definitions = append(res.Definitions, p.def)
		}
	}()
	var last []reflect.Value
	for gi, g := range plan {
		src := groupSource(g, cell)
		final := gi == len(plan)-1 && finalExpr(g[len(g)-1]) != nil
		var v reflect.Value
		if final {
			wrapped := groupSourceWrapped(g, cell)
			v, err = s.run(ctx, wrapped)
			if err != nil && isCompileError(err) {
				// A call with no results cannot be wrapped: evaluate it bare.
				final = false
				v, err = s.run(ctx, src)
			}
		} else {
			v, err = s.run(ctx, src)
		}
		if err != nil {
			uerr := s.userError(ctx, err, cell)
			if e, ok := uerr.(*Error); ok && (e.Message == untypable || strings.Contains(e.Message, "nil type")) {
				e.Name, e.Message = "CompileError", s.diagnoseUntypable(code, cell, units)
				e.Traceback = []string{e.Message}
			}
			if e, ok := uerr.(*Error); ok && e.Name == "CompileError" && vagueUndefinedRE.MatchString(e.Message) {
				if pos, name := s.undefinedName(code, cell, units); name != "" {
					e.Message = pos + ": undefined: " + name
					e.Traceback = []string{e.Message}
				}
			}
			return res, uerr
		}
		if perr := s.stderr.goroutinePanic(); perr != nil {
			return res, perr
		}
		if cell > 0 {
			for _, u := range g {
				for _, d := range s.unitDefinitions(u) {
					s.record(d)
					s.afterDefine(d)
					order = append(order, placed{u.off, len(order), d})
				}
			}
		}
		if final {
			last = values(v)
		}
	}
	// Give goroutines the cell started a chance to report a panic that
	// happened while the cell ran.
	if perr := s.stderr.goroutinePanic(); perr != nil {
		return res, perr
	}
	if last != nil {
		if b, ok := bundleOf(last); ok {
			res.Value = &b
		}
	}
	return res, nil
}

// prepare splits, parses, auto-imports and rewrites a cell.
func (s *Session) prepare(code string, cell int) ([]*unit, error) {
	items, err := splitCell(code)
	if err != nil {
		return nil, &Error{Name: "CompileError", Message: cellName(cell) + ":" + err.Error()}
	}
	var units []*unit
	for _, it := range items {
		u, err := parseUnit(it)
		if err != nil {
			return nil, &Error{Name: "CompileError", Message: parseErrorMessage(u0(it), code, cell, err)}
		}
		units = append(units, u)
	}
	if err := unsupportedTopLevel(code, cell, units); err != nil {
		return nil, err
	}
	cellNames := map[string]bool{}
	for _, u := range units {
		u.defines = definedNames(u)
		for _, n := range u.defines {
			cellNames[n] = true
		}
	}
	imports := s.autoImports(units, cellNames)
	s.rewriteUnits(units, cell, cellNames)
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
	for _, u := range units {
		switch u.kind {
		case kindType, kindFunc, kindConst:
			u.hoist = !mentions(u.file, stmtNames)
		}
	}
	if len(imports) > 0 {
		units = append(imports, units...)
	}
	return units, nil
}

// unsupportedTopLevel rejects statements that yaegi v0.16.1 mishandles at
// the top level of a cell: defer (its calls run again in later cells) and
// return (it crashes the compiler).
func unsupportedTopLevel(code string, cell int, units []*unit) error {
	for _, u := range units {
		if u.isDecl() {
			continue
		}
		var bad ast.Node
		var what string
		for _, st := range u.stmts {
			ast.Inspect(st, func(n ast.Node) bool {
				if bad != nil {
					return false
				}
				switch n := n.(type) {
				case *ast.FuncLit:
					return false
				case *ast.DeferStmt:
					bad, what = n, "defer at the top level of a cell is not supported: put it inside a function"
				case *ast.ReturnStmt:
					bad, what = n, "return at the top level of a cell is not supported: put it inside a function"
				}
				return true
			})
		}
		if bad != nil {
			return &Error{Name: "CompileError", Message: cellPosition(code, cell, u.off+u.offset(bad.Pos())) + ": " + what}
		}
	}
	return nil
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

func parseErrorMessage(u *unit, code string, cell int, err error) string {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		var lines []string
		for i, e := range list {
			if i == 3 {
				lines = append(lines, fmt.Sprintf("(and %d more errors)", len(list)-3))
				break
			}
			lines = append(lines, u.cellPos(code, cell, e.Pos)+": "+e.Msg)
		}
		return strings.Join(lines, "\n")
	}
	return err.Error()
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
		b.WriteString(directive(u, cell))
		b.WriteString(u.out)
		b.WriteString("\n")
	}
	return b.String()
}

// groupSourceWrapped is groupSource with the final expression passed to
// the session's value collector, so that all its results come back.
func groupSourceWrapped(g []*unit, cell int) string {
	var b strings.Builder
	if !g[0].isDecl() {
		b.WriteString(directive(g[0], cell) + syncCall)
	}
	for i, u := range g {
		if i == len(g)-1 {
			// The collector's call takes the expression's position too, so
			// that a panic in the expression points at it.
			b.WriteString(directive(u, cell))
			b.WriteString(valuesFunc + "(")
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

// finalExpr returns the expression of a unit that is an expression
// statement whose value should be shown, or nil.
func finalExpr(u *unit) ast.Expr {
	if u.isDecl() || len(u.stmts) != 1 {
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

// values unpacks what the value collector returned.
func values(v reflect.Value) []reflect.Value {
	if !v.IsValid() {
		return nil
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	vals, ok := v.Interface().([]any)
	if !ok {
		return []reflect.Value{v}
	}
	out := make([]reflect.Value, len(vals))
	for i, x := range vals {
		out[i] = unwrapInterpreted(reflect.ValueOf(x))
		if out[i].IsValid() && out[i].CanInterface() {
			switch r := out[i].Interface().(type) {
			case richValue:
				if w := unwrapInterpreted(reflect.ValueOf(r.V)); w.IsValid() && w.CanInterface() {
					r.V = w.Interface()
				}
				out[i] = reflect.ValueOf(r)
			case textValue:
				if w := unwrapInterpreted(reflect.ValueOf(r.V)); w.IsValid() && w.CanInterface() {
					r.V = w.Interface()
				}
				out[i] = reflect.ValueOf(r)
			}
		}
	}
	if out == nil {
		out = []reflect.Value{}
	}
	return out
}

// bundleOf renders a final expression's results. One result shows as Go
// prints it (%v, strings quoted like %q) plus rich types when the value
// displays itself; several results show as a parenthesised list
// "(1, <nil>)"; none shows nothing.
func bundleOf(vals []reflect.Value) (display.Bundle, bool) {
	switch len(vals) {
	case 0:
		return display.Bundle{}, false
	case 1:
		v := vals[0]
		if v.IsValid() && v.CanInterface() {
			if r, ok := v.Interface().(richValue); ok {
				b := r.B
				if b.Data == nil {
					b.Data = map[string]any{}
				}
				if _, ok := b.Data["text/plain"]; !ok {
					b.Data["text/plain"] = plainText(reflect.ValueOf(r.V))
				}
				if b.Metadata == nil {
					b.Metadata = map[string]any{}
				}
				return b, true
			}
			if t, ok := v.Interface().(textValue); ok {
				// A compiled value with a String method may also display itself.
				if b, ok := richBundle(t.V); ok {
					return b, true
				}
				return textBundle(t.S), true
			}
			if b, ok := richBundle(v.Interface()); ok {
				return b, true
			}
		}
		return textBundle(plainText(v)), true
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		if v.IsValid() && v.CanInterface() {
			if r, ok := v.Interface().(richValue); ok {
				v = reflect.ValueOf(r.V)
			}
			if t, ok := v.Interface().(textValue); ok {
				parts[i] = t.S
				continue
			}
		}
		parts[i] = plainText(v)
	}
	return textBundle("(" + strings.Join(parts, ", ") + ")"), true
}

// maxText bounds the text/plain of a value: a front end chokes on
// megabytes of output from one innocent final expression.
const maxText = 256 << 10

// plainText formats a value as Go would print it, with strings quoted,
// shortened to maxText bytes.
func plainText(v reflect.Value) string {
	s := formatValue(v)
	if len(s) > maxText {
		cut := maxText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = fmt.Sprintf("%s… (%d more bytes)", s[:cut], len(s)-cut)
	}
	return s
}

func formatValue(v reflect.Value) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("<value of type %s: %v>", v.Type(), r)
		}
	}()
	if !v.IsValid() {
		return "<nil>"
	}
	if !v.CanInterface() {
		return v.String()
	}
	x := v.Interface()
	switch x := x.(type) {
	case string:
		return strconv.Quote(x)
	case error:
		return x.Error()
	}
	return fmt.Sprintf("%v", x)
}

// userError converts an interpreter error into an *Error.
func (s *Session) userError(ctx context.Context, err error, cell int) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return &Error{Name: "interrupted", Message: "the cell was interrupted",
			Traceback: []string{"interrupted while running " + cellName(cell)}}
	}
	var p yaegi.Panic
	if errors.As(err, &p) {
		return panicError(p.Value, s.stderr.traceback())
	}
	current := cell
	if current == 0 {
		current = s.cellNumber()
	}
	msg := mapPositions(err.Error(), current)
	switch {
	case strings.Contains(msg, "undefined type for"):
		msg += " (yaegi v0.16.1 does not support type constraints with ~ or unions of types: use any, or one function per type)"
	case strings.Contains(msg, "undefined selector: slices.") || strings.Contains(msg, "undefined selector: maps."):
		msg += " (yaegi v0.16.1 lacks some generic functions of slices and maps)"
	}
	return &Error{Name: "CompileError", Message: msg, Traceback: firstPositions(msg)}
}

// panicError builds the error for a recovered panic value.
func panicError(v any, tb []string) *Error {
	if e, ok := v.(exitCode); ok {
		return &Error{Name: "exit", Message: fmt.Sprintf("exit status %d", int(e)), Traceback: tb}
	}
	if e, ok := v.(fatalExit); ok {
		return &Error{Name: "exit", Message: fmt.Sprintf("log.Fatal: %s (exit status 1)", strings.TrimSpace(string(e))), Traceback: tb}
	}
	name := "panic"
	if _, ok := v.(runtime.Error); ok {
		name = "runtime error"
	}
	msg := fmt.Sprint(v)
	if e, ok := v.(error); ok {
		msg = e.Error()
		msg = strings.TrimPrefix(msg, "runtime error: ")
	}
	if s, ok := v.(string); ok || strings.HasPrefix(msg, "reflect") {
		s = msg
		// yaegi evaluates with reflect: its panics stand for Go's runtime errors.
		for _, m := range reflectPanics {
			if strings.Contains(s, m.reflect) {
				return &Error{Name: "runtime error", Message: m.runtime, Traceback: tb}
			}
		}
		if s == "nil type" {
			return &Error{Name: "CompileError", Message: untypable, Traceback: tb}
		}
	}
	return &Error{Name: name, Message: msg, Traceback: tb}
}

// untypable is yaegi's "nil type" failure, said for a user.
const untypable = "a construct yaegi v0.16.1 cannot type: range over a function iterator, range over an integer whose type the session cannot tell, or a generic type constraint with ~ or |"

// diagnoseUntypable names the construct of a cell that yaegi could not
// type: the first range loop over something the session does not know to
// be a collection, if any.
func (s *Session) diagnoseUntypable(code string, cell int, units []*unit) string {
	r := s.newRewriter(units, cell, map[string]bool{})
	for _, u := range units {
		var found *ast.RangeStmt
		ast.Inspect(u.file, func(n ast.Node) bool {
			if found != nil {
				return false
			}
			if rs, ok := n.(*ast.RangeStmt); ok {
				switch x := rs.X.(type) {
				case *ast.CompositeLit:
				case *ast.CallExpr:
					if id, ok := x.Fun.(*ast.Ident); !ok || (id.Name != "make" && !r.isInt(x)) {
						found = rs
					}
				default:
					if !r.isInt(x) {
						found = rs
					}
				}
			}
			return true
		})
		if found != nil {
			pos := cellPosition(code, cell, u.off+u.offset(found.Pos()))
			return fmt.Sprintf("%s: range over %s: yaegi v0.16.1 cannot range over a function value (the session rewrites ranges over iterator functions that cells declare), nor over an integer whose type the session cannot tell (write for i := 0; i < n; i++, or declare n with its type)", pos, u.outText(found.X))
		}
	}
	return cellName(cell) + ": " + untypable
}

// reflectPanics maps the reflect panics of interpreted code to the runtime
// errors Go would report.
var reflectPanics = []struct{ reflect, runtime string }{
	{"index out of range", "index out of range"},
	{"slice bounds out of range", "slice bounds out of range"},
	{"on zero Value", "invalid memory address or nil pointer dereference"},
	{"nil pointer", "invalid memory address or nil pointer dereference"},
	{"assignment to entry in nil map", "assignment to entry in nil map"},
}

func isCompileError(err error) bool {
	var p yaegi.Panic
	if errors.As(err, &p) {
		return false
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

var posRE = regexp.MustCompile(`(?:_\.go:)?(\d+):(\d+)`)

// mapPositions rewrites interpreter positions "line:col" into cell
// positions "cell[n]:line:col".
func mapPositions(msg string, current int) string {
	return posRE.ReplaceAllStringFunc(msg, func(m string) string {
		sub := posRE.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[1])
		if line < lineBase {
			return strings.TrimPrefix(m, "_.go:")
		}
		c, l := cellOf(line, current)
		return fmt.Sprintf("%s:%d:%s", cellName(c), l, sub[2])
	})
}

var cellPosRE = regexp.MustCompile(`(?:cell\[\d+\]|expr):\d+:\d+`)

func firstPositions(msg string) []string {
	var tb []string
	for _, line := range strings.Split(msg, "\n") {
		if cellPosRE.MatchString(line) {
			tb = append(tb, line)
		}
	}
	return tb
}

// definedNames lists the package-level names a unit defines.
func definedNames(u *unit) []string {
	var names []string
	if u.isDecl() {
		for _, d := range u.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names = append(names, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						names = append(names, sp.Name.Name)
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							names = append(names, n.Name)
						}
					case *ast.ImportSpec:
						names = append(names, importName(sp))
					}
				}
			}
		}
		return names
	}
	for _, st := range u.stmts {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						names = append(names, id.Name)
					}
				}
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok {
				for _, sp := range gd.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							names = append(names, n.Name)
						}
					}
				}
			}
		}
	}
	return names
}

func importName(sp *ast.ImportSpec) string {
	if sp.Name != nil {
		return sp.Name.Name
	}
	p, _ := strconv.Unquote(sp.Path.Value)
	return packageName(p)
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

func (s *Session) unitDefinitions(u *unit) []Definition {
	var defs []Definition
	text := func(n ast.Node) string {
		// Definitions carry the rewritten source so that a replay in a
		// fresh interpreter needs no further rewriting.
		return u.outText(n)
	}
	if u.isDecl() {
		for _, d := range u.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				name := d.Name.Name
				if d.Recv != nil && len(d.Recv.List) == 1 {
					name = recvTypeName(d.Recv.List[0].Type) + "." + name
				}
				defs = append(defs, Definition{Kind: kindFunc, Name: name, Source: text(d)})
			case *ast.GenDecl:
				switch d.Tok {
				case token.IMPORT:
					for _, sp := range d.Specs {
						sp := sp.(*ast.ImportSpec)
						defs = append(defs, Definition{Kind: kindImport, Name: importName(sp), Source: "import " + text(sp)})
					}
				case token.TYPE:
					for _, sp := range d.Specs {
						sp := sp.(*ast.TypeSpec)
						defs = append(defs, Definition{Kind: kindType, Name: sp.Name.Name, Source: "type " + text(sp)})
					}
				case token.CONST:
					if len(d.Specs) == 1 && !d.Lparen.IsValid() {
						sp := d.Specs[0].(*ast.ValueSpec)
						for _, n := range sp.Names {
							defs = append(defs, Definition{Kind: kindConst, Name: n.Name, Source: text(d)})
						}
						if len(sp.Names) > 1 {
							// one source for all names
							defs = defs[:len(defs)-len(sp.Names)+1]
							defs[len(defs)-1].Name = joinNames(sp.Names)
						}
					} else {
						var names []*ast.Ident
						for _, sp := range d.Specs {
							names = append(names, sp.(*ast.ValueSpec).Names...)
						}
						defs = append(defs, Definition{Kind: kindConst, Name: joinNames(names), Source: text(d)})
					}
				case token.VAR:
					for _, sp := range d.Specs {
						defs = append(defs, s.varDefinitions(u, sp.(*ast.ValueSpec))...)
					}
				}
			}
		}
		return defs
	}
	for _, st := range u.stmts {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE {
				continue
			}
			for i, l := range st.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				var rhs ast.Expr
				if len(st.Rhs) == len(st.Lhs) {
					rhs = st.Rhs[i]
				}
				defs = append(defs, Definition{Kind: kindVar, Name: id.Name, Source: "var " + id.Name + " " + s.varType(id.Name, "", rhs, u)})
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, sp := range gd.Specs {
					defs = append(defs, s.varDefinitions(u, sp.(*ast.ValueSpec))...)
				}
			}
		}
	}
	return defs
}

func (s *Session) varDefinitions(u *unit, sp *ast.ValueSpec) []Definition {
	var defs []Definition
	typ := ""
	if sp.Type != nil {
		typ = u.outText(sp.Type)
	}
	for i, n := range sp.Names {
		if n.Name == "_" {
			continue
		}
		var rhs ast.Expr
		if len(sp.Values) == len(sp.Names) {
			rhs = sp.Values[i]
		}
		defs = append(defs, Definition{Kind: kindVar, Name: n.Name, Source: "var " + n.Name + " " + s.varType(n.Name, typ, rhs, u)})
	}
	return defs
}

// varType finds the Go source of a variable's type: its declared type, the
// type of a composite literal that initialises it, or the type the
// interpreter gave it.
func (s *Session) varType(name, declared string, rhs ast.Expr, u *unit) string {
	if declared != "" {
		return declared
	}
	switch e := rhs.(type) {
	case *ast.CompositeLit:
		if e.Type != nil {
			return u.outText(e.Type)
		}
	case *ast.UnaryExpr:
		if cl, ok := e.X.(*ast.CompositeLit); ok && e.Op == token.AND && cl.Type != nil {
			return "*" + u.outText(cl.Type)
		}
	case *ast.CallExpr:
		// new(T), make(T, ...), and conversions T(x) to a named session type
		if id, ok := e.Fun.(*ast.Ident); ok && len(e.Args) > 0 {
			switch id.Name {
			case "new":
				return "*" + u.outText(e.Args[0])
			case "make":
				return u.outText(e.Args[0])
			}
			if d, ok := s.definition(id.Name); ok && d.Kind == kindType {
				return id.Name
			}
		}
		if id, ok := e.Fun.(*ast.Ident); ok {
			if t := s.resultType(id.Name); t != "" {
				return t
			}
		}
	}
	if v, ok := s.globals()[name]; ok && v.IsValid() {
		return typeSource(v.Type())
	}
	return "any"
}

// resultType is the source of the single result type of a session
// function, or "".
func (s *Session) resultType(name string) string {
	d, ok := s.definition(name)
	if !ok || d.Kind != kindFunc {
		return ""
	}
	src := "package p\n" + d.Source
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return ""
	}
	fd, ok := f.Decls[0].(*ast.FuncDecl)
	if !ok || fd.Type.Results == nil || len(fd.Type.Results.List) != 1 || len(fd.Type.Results.List[0].Names) > 1 {
		return ""
	}
	t := fd.Type.Results.List[0].Type
	return src[t.Pos()-f.FileStart : t.End()-f.FileStart]
}

// typeSource renders a reflect type as Go source. Interpreted named types
// lose their names in reflection; their structure is still valid Go.
func typeSource(t reflect.Type) string {
	if t == nil {
		return "any"
	}
	s := t.String()
	s = strings.ReplaceAll(s, "interface {}", "any")
	return s
}

func recvTypeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvTypeName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvTypeName(t.X)
	case *ast.IndexListExpr:
		return recvTypeName(t.X)
	}
	return "?"
}

func joinNames(ids []*ast.Ident) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.Name
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}
