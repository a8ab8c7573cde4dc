package interp

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strings"

	"github.com/spinlab/spinlab/runtimes"
)

// The session is the runtimes.GoExporter of the compiled runner.
var _ runtimes.GoExporter = (*Session)(nil)

// goSource is a definition as its cell wrote it (before the rewrites that
// bring current Go to yaegi) and where: the compiled runner builds it with
// the Go compiler, whose errors and stacks then name the cell's lines.
type goSource struct {
	text string // "type T ...", "func f() ...", "const c = 1", "import x \"p\""
	cell int
	line int
	col  int
}

// writtenSource is node n of unit u as written, with its cell position.
func (s *Session) writtenSource(u *unit, n ast.Node) goSource {
	text := u.Src()[u.Offset(n.Pos()):u.Offset(n.End())]
	p := u.Fset().Position(n.Pos())
	// The parsed source is declPrefix (one line) or stmtPrefix (two)
	// followed by the item, which starts at the cell's u.line, u.col.
	first := 2
	if !u.IsDecl() {
		first = 3
	}
	line, col := u.Line()+p.Line-first, p.Column
	if p.Line == first {
		col += u.Col() - 1
	}
	return goSource{text: text, cell: s.cellNumber(), line: line, col: col}
}

// recordGoSources remembers, for each definition of a unit, its text as
// written. unitDefinitions builds Source from one or more nodes; the
// written form is the same nodes in the same order.
func (s *Session) recordGoSources(defs []Definition, written []goSource) {
	if len(defs) == 0 || len(written) == 0 {
		return
	}
	s.defsMu.Lock()
	defer s.defsMu.Unlock()
	if s.goSrc == nil {
		s.goSrc = map[string]goSource{}
	}
	w := 0
	for _, d := range defs {
		if w >= len(written) {
			break
		}
		switch d.Kind {
		case kindImport:
			g := written[w]
			g.text, g.col = "import "+g.text, max(1, g.col-len("import "))
			s.goSrc[d.Source] = g
			w++
		case kindType:
			g := written[w]
			g.text, g.col = "type "+g.text, max(1, g.col-len("type "))
			s.goSrc[d.Source] = g
			w++
		case kindFunc, kindConst:
			s.goSrc[d.Source] = written[w]
			w++
		case kindVar:
			// A var's Source is its declaration at the zero value, built
			// from its type's text (one node, or none).
			if strings.Contains(d.Source, " ") {
				w++
			}
		}
	}
}

// Paths of the packages every session imports for its cells.
const (
	displayPath  = "github.com/spinlab/spinlab/display"
	runtimesPath = "github.com/spinlab/spinlab/runtimes"
)

// ExportGo exports a snippet for the compiled runner: its statements and
// final expression, and the session's imports, types, functions,
// constants and variables that it uses, directly or through each other,
// each with a //line directive naming its cell.
func (s *Session) ExportGo(snippet string, at runtimes.Position) (runtimes.GoProgram, error) {
	var p runtimes.GoProgram
	file, first := at.File, at.Line
	if file == "" {
		file = "snippet"
	}
	if first < 1 {
		first = 1
	}
	items, err := splitCell(snippet)
	if err != nil {
		return p, &Error{Name: "CompileError", Message: file + ":" + err.Error()}
	}
	var units []*unit
	local := map[string]bool{"worker": true, "workers": true}
	for _, it := range items {
		if it.IsDecl() && it.Kind() != kindVar && it.Kind() != kindConst && it.Kind() != kindType {
			return p, &Error{Name: "CompileError", Message: fmt.Sprintf("%s:%d:%d: a snippet holds statements; define %ss in a cell", file, first+it.Line()-1, it.Col(), it.Kind())}
		}
		it = it.AsStmt()
		u, err := parseUnit(it)
		if err != nil {
			return p, &Error{Name: "CompileError", Message: parseError(it, snippet, 0, err)}
		}
		units = append(units, u)
		for _, n := range definedNames(u) {
			local[n] = true
		}
	}
	directive := func(line, col int) string { return fmt.Sprintf("\n//line %s:%d:%d\n", file, first+line-1, col) }
	var body strings.Builder
	for i, u := range units {
		if i == len(units)-1 {
			if e := finalExpr(u); e != nil && s.finalHasValue(snippet, e) {
				p.Value = directive(u.Line(), u.Col()) + u.Src()
				_, p.ValueIsCall = e.(*ast.CallExpr)
				break
			}
		}
		body.WriteString(directive(u.Line(), u.Col()) + u.Src() + "\n")
	}
	p.Body = body.String()

	// The names the snippet uses, then what they use, transitively.
	want := map[string]bool{}
	for _, u := range units {
		for n := range usedNames(u.File()) {
			if !local[n] {
				want[n] = true
			}
		}
	}
	defs, _ := s.snapshot()
	s.defsMu.Lock()
	written := make(map[string]goSource, len(defs))
	for _, d := range defs {
		if g, ok := s.goSrc[d.Source]; ok {
			written[d.Source] = g
		}
	}
	s.defsMu.Unlock()
	source := func(d Definition) string {
		if g, ok := written[d.Source]; ok {
			return g.text
		}
		return d.Source
	}
	deps, unknown := dependencies(defs, want, source)
	var decls []Definition
	var imports []string
	var vars []string
	for _, n := range unknown {
		switch n {
		case "display":
			imports = append(imports, `"`+displayPath+`"`)
		case "runtimes":
			imports = append(imports, `"`+runtimesPath+`"`)
		}
	}
	for _, d := range deps {
		switch {
		case d.Kind == kindFunc && d.Name == "main":
			// The compiled program's main is the harness.
			return p, &Error{Name: "CompileError", Message: "the compiled runner cannot use the session's func main (the program's main runs the workers): move its body into a function with another name"}
		case d.Kind == kindImport:
			imports = append(imports, strings.TrimSpace(strings.TrimPrefix(source(d), "import")))
		case d.Kind == kindVar:
			vars = append(vars, d.Name)
		default:
			decls = append(decls, d)
		}
	}
	// The standard packages the snippet names without importing them, as
	// its interpreted run imports them.
	for _, u := range autoImports(s, units, local) {
		if !strings.Contains(strings.Join(imports, "\n"), strings.TrimSpace(strings.TrimPrefix(u.Src(), "import"))) {
			imports = append(imports, strings.TrimSpace(strings.TrimPrefix(u.Src(), "import")))
		}
	}
	sort.Strings(imports)
	p.Imports = imports

	// Declarations in the session's order, each at its cell's lines.
	order := map[string]int{}
	for i, d := range defs {
		order[d.Source] = i
	}
	sort.SliceStable(decls, func(i, j int) bool { return order[decls[i].Source] < order[decls[j].Source] })
	var b strings.Builder
	for _, d := range decls {
		if g, ok := written[d.Source]; ok {
			fmt.Fprintf(&b, "\n//line cell[%d]:%d:%d\n%s\n", g.cell, g.line, g.col, g.text)
		} else {
			// Replayed after a restart: only the interpreter's form is left.
			fmt.Fprintf(&b, "\n//line %s-definition:1:1\n%s\n", d.Name, d.Source)
		}
	}
	p.Decls = b.String()

	var err2 error
	p.Vars, err2 = s.goVars(vars, defs)
	return p, err2
}

// finalHasValue reports whether the snippet's final expression e has a
// value: a call may have none, which only the interpreter's type check
// knows (a failed collection of its values is how Compile learns it).
func (s *Session) finalHasValue(snippet string, e ast.Expr) bool {
	if _, ok := e.(*ast.CallExpr); !ok {
		return true
	}
	src, plain, imports, err := s.snippetSource(snippet)
	if err != nil || plain == "" {
		return err == nil
	}
	ctx := context.Background()
	for _, u := range imports {
		if _, err := s.run(ctx, u.Src()); err != nil {
			return false
		}
		for _, d := range s.unitDefinitions(u) {
			s.record(d)
		}
	}
	_, err = s.run(ctx, src)
	return err == nil
}

// goVars copies the named session variables for the compiled program: as
// process mode copies them (values with their types' source; JSON here,
// which the generated program decodes with encoding/json), except
// that synchronisation state (a sync.Mutex, an atomic) starts at its zero
// value, as in a fresh program.
func (s *Session) goVars(names []string, defs []Definition) ([]runtimes.Var, error) {
	sort.Strings(names)
	globals := s.globals()
	varType := map[string]string{}
	for _, d := range defs {
		if d.Kind == kindVar {
			varType[d.Name] = strings.TrimSpace(strings.TrimPrefix(d.Source, "var "+d.Name))
		}
	}
	var out []runtimes.Var
	var bad []string
	for _, n := range names {
		v, ok := globals[n]
		if !ok || !v.IsValid() {
			if t := varType[n]; t != "" {
				out = append(out, runtimes.Var{Name: n, Type: t, Value: []byte("null")})
			}
			continue
		}
		if why := uncopyableForGo(v.Type(), map[reflect.Type]bool{}); why != "" {
			bad = append(bad, fmt.Sprintf("%s (%s)", n, why))
			continue
		}
		t := varType[n]
		if t == "" || t == "any" && v.Kind() != reflect.Interface {
			t = typeSource(v.Type())
		}
		data, err := json.Marshal(v.Interface())
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s (%v)", n, err))
			continue
		}
		out = append(out, runtimes.Var{Name: n, Type: t, Value: data})
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("cannot copy into the compiled program: %s; pass the values the snippet needs in copyable variables", strings.Join(bad, ", "))
	}
	return out, nil
}

// uncopyableForGo is uncopyable without the synchronisation types, which a
// compiled program declares at their zero value.
func uncopyableForGo(t reflect.Type, seen map[reflect.Type]bool) string {
	if p := t.PkgPath(); p == "sync" || p == "sync/atomic" {
		return ""
	}
	if t.Kind() == reflect.Struct {
		if seen[t] {
			return ""
		}
		seen[t] = true
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if p := f.Type.PkgPath(); p == "sync" || p == "sync/atomic" {
				continue
			}
			if !f.IsExported() {
				return "a " + t.String() + " with unexported field " + f.Name
			}
			if why := uncopyableForGo(f.Type, seen); why != "" {
				return why
			}
		}
		return ""
	}
	return uncopyable(t, seen)
}

// usedNames lists the identifiers a file uses, without the selected
// names of selectors (x.f uses x, not f). It may list more than the file
// uses (a struct literal's field keys, a local that shadows a session
// name): what that brings in is declared and unused, which Go allows at
// package level.
func usedNames(f ast.Node) map[string]bool {
	names := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(n.X, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					names[id.Name] = true
				}
				return true
			})
			return false
		case *ast.Ident:
			names[n.Name] = true
		}
		return true
	})
	return names
}

// dependencies returns the session's definitions that the names in want
// name, then those that their sources (source(d)) name, transitively, in
// the order found; a method goes with its type. unknown are the names
// reached that no definition defines (locals, packages, builtins). Both
// runners ship only these to their workers, so that what a worker
// compiles or interprets does not grow with the notebook.
func dependencies(defs []Definition, want map[string]bool, source func(Definition) string) (deps []Definition, unknown []string) {
	byName := map[string][]Definition{}
	for _, d := range defs {
		name := d.Name
		if d.Kind == kindFunc {
			name, _, _ = strings.Cut(name, ".") // a method goes with its type
		}
		for _, n := range strings.Split(name, ",") {
			byName[n] = append(byName[n], d)
		}
	}
	included := map[string]bool{} // by Source
	queue := sortedKeys(want)
	seen := map[string]bool{}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if seen[n] {
			continue
		}
		seen[n] = true
		ds := byName[n]
		if len(ds) == 0 {
			unknown = append(unknown, n)
			continue
		}
		for _, d := range ds {
			if included[d.Source] {
				continue
			}
			included[d.Source] = true
			deps = append(deps, d)
			if d.Kind == kindImport {
				continue
			}
			for m := range namesIn(source(d)) {
				if !seen[m] {
					queue = append(queue, m)
				}
			}
		}
	}
	return deps, unknown
}

// namesIn lists the identifiers a definition's source uses.
func namesIn(src string) map[string]bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	names := usedNames(f)
	delete(names, "p")
	return names
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
