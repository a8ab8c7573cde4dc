package interp

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// Late binding. yaegi v0.16.1 binds a call to the function node it finds
// when it compiles the caller: a function redefined in a later evaluation
// does not reach callers compiled earlier ("func work() { step() }" keeps
// calling the first step), and a redefined method never replaces the
// first one. In an ipykernel session, as in a program rebuilt after an
// edit, every caller sees the new definition. So when a cell redefines a
// function or a variable, the session evaluates again, in one evaluation
// (so that they bind each other too), every function that refers to it,
// directly or through other such functions. A method among them, or a
// redefined method, needs what yaegi cannot do in place: the session
// moves to a fresh interpreter where all definitions are replayed (see
// moveToFresh), keeping the variables' values.
//
// Variables keep their values: a variable's definition declares it
// without its initializer, so "var g = step()" is not evaluated again when
// step changes (it holds what the old step returned, as a value computed
// earlier does). A variable that holds a func value keeps the old func.
//
// The cost is proportional to the dependents: the names a definition
// uses are parsed once per source and cached; finding the dependents is
// a scan of the session's definitions with map lookups.

// defRefs caches the identifiers a definition's source uses.
type defRefs struct {
	source string
	names  map[string]bool
}

// refsOf returns the identifiers (and selected names) d's source uses.
// Callers hold s.cellMu.
func (s *Session) refsOf(d Definition) map[string]bool {
	key := d.Kind + " " + d.Name
	if r, ok := s.refs[key]; ok && r.source == d.Source {
		return r.names
	}
	names := map[string]bool{}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+d.Source, parser.SkipObjectResolution)
	if err == nil {
		collect := func(n ast.Node) {
			if n == nil || n == (*ast.FieldList)(nil) || n == (*ast.BlockStmt)(nil) {
				return
			}
			ast.Inspect(n, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					names[id.Name] = true
				}
				return true
			})
		}
		for _, decl := range f.Decls {
			// A function is not its own dependent by the name it declares.
			if fd, ok := decl.(*ast.FuncDecl); ok {
				collect(fd.Recv)
				collect(fd.Type)
				collect(fd.Body)
				continue
			}
			collect(decl)
		}
	}
	if s.refs == nil {
		s.refs = map[string]defRefs{}
	}
	s.refs[key] = defRefs{d.Source, names}
	return names
}

// usedName is the name by which other code refers to a definition: a
// method by its selector.
func usedName(d Definition) string {
	if _, m, ok := strings.Cut(d.Name, "."); ok && d.Kind == kindFunc {
		return m
	}
	return d.Name
}

// dependents returns the function and method definitions that use any of
// the changed names, directly or through each other, oldest first,
// except those in skip (defined by the evaluation that changed them).
func (s *Session) dependents(changed map[string]bool, skip map[string]bool) []Definition {
	defs := s.Definitions()
	used := make(map[string]bool, len(changed))
	for n := range changed {
		used[n] = true
	}
	in := map[int]bool{}
	for grew := true; grew; {
		grew = false
		for i, d := range defs {
			if d.Kind != kindFunc || in[i] || skip[d.Kind+" "+d.Name] {
				continue
			}
			refs := s.refsOf(d)
			for n := range used {
				if refs[n] {
					in[i], grew = true, true
					used[usedName(d)] = true
					break
				}
			}
		}
	}
	var out []Definition
	for i, d := range defs {
		if in[i] {
			out = append(out, d)
		}
	}
	return out
}

// rebind makes the callers of redefined names use their new definitions.
// redefined are the definitions an evaluation replaced (by their new
// versions); defined are all the definitions it made. Callers hold s.cellMu.
func (s *Session) rebind(redefined, defined []Definition) {
	if len(redefined) == 0 {
		return
	}
	changed := map[string]bool{}
	method := false
	for _, d := range redefined {
		changed[usedName(d)] = true
		method = method || (d.Kind == kindFunc && strings.Contains(d.Name, "."))
	}
	skip := map[string]bool{}
	for _, d := range defined {
		skip[d.Kind+" "+d.Name] = true
	}
	deps := s.dependents(changed, skip)
	for _, d := range deps {
		method = method || strings.Contains(d.Name, ".")
	}
	if method {
		s.moveToFresh(s.Definitions(), "redefining "+names(redefined))
		return
	}
	if len(deps) == 0 {
		return
	}
	var b strings.Builder
	for _, d := range deps {
		b.WriteString(s.origin[d.Kind+" "+d.Name])
		b.WriteString(d.Source)
		b.WriteString("\n")
	}
	if _, err := s.run(context.Background(), b.String()); err != nil {
		fmt.Fprintf(s.stderr.w, "note: after redefining %s, these functions that use it no longer compile and still run their old code: %s (%v)\n",
			names(redefined), names(deps), s.userError(context.Background(), err, s.cells))
	}
}

// names lists definitions' names for a message.
func names(defs []Definition) string {
	ns := make([]string, 0, len(defs))
	for _, d := range defs {
		ns = append(ns, d.Name)
	}
	sort.Strings(ns)
	return strings.Join(ns, ", ")
}

// noteOrigin remembers where a definition was made, as the //line
// directive that places its source at its cell's line, for evaluations
// of its source again (rebind). Callers hold s.cellMu.
func (s *Session) noteOrigin(u *unit, d Definition, cell int) {
	if u.Synthetic() || cell <= 0 {
		return
	}
	if s.origin == nil {
		s.origin = map[string]string{}
	}
	line, col := u.Line(), u.Col()
	if i := strings.Index(u.Out(), d.Source); i > 0 {
		nl := strings.Count(u.Out()[:i], "\n")
		line += nl
		if nl > 0 {
			col = i - strings.LastIndex(u.Out()[:i], "\n")
		} else {
			col += i
		}
	}
	s.origin[d.Kind+" "+d.Name] = fmt.Sprintf("\n//line _.go:%d:%d\n", lineOf(cell, line), col)
}

// rebinds reports whether replacing definition old by d must reach the
// code that uses old: a changed function, method or constant, or a
// variable declared again (yaegi gives it a new slot; callers compiled
// earlier would still read the old one).
func rebinds(old, d Definition) bool {
	if old.Kind != d.Kind {
		return d.Kind != kindImport && old.Kind != kindImport
	}
	switch d.Kind {
	case kindFunc, kindConst:
		return old.Source != d.Source
	case kindVar:
		return true
	}
	return false
}
