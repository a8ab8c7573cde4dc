package interp

import (
	"fmt"
	"go/ast"
	"sort"
	"strconv"
	"strings"
)

// importDef returns the import definition of a name, if any.
func (s *Session) importDef(name string) (Definition, bool) {
	s.defsMu.Lock()
	defer s.defsMu.Unlock()
	for i := len(s.defs) - 1; i >= 0; i-- {
		if d := s.defs[i]; d.Kind == kindImport && d.Name == name {
			return d, true
		}
	}
	return Definition{}, false
}

// dropKnownImports removes import specs that the session already has
// (re-running a cell imports again, which yaegi refuses), and import
// units left empty.
func (s *Session) dropKnownImports(units []*unit) []*unit {
	known := map[string]string{
		"display":  "github.com/spinlab/spinlab/display",
		"runtimes": "github.com/spinlab/spinlab/runtimes",
	}
	for _, d := range s.Definitions() {
		if d.Kind == kindImport {
			known[d.Name] = importPath(d)
		}
	}
	var out []*unit
	for _, u := range units {
		if u.Kind() != kindImport || u.File() == nil {
			out = append(out, u)
			continue
		}
		kept := 0
		for _, d := range u.File().Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, sp := range gd.Specs {
				is := sp.(*ast.ImportSpec)
				p, _ := strconv.Unquote(is.Path.Value)
				if known[importName(is)] == p {
					u.Edit(u.Offset(is.Pos()), u.Offset(is.End()), "")
					continue
				}
				kept++
			}
		}
		if kept == 0 {
			continue
		}
		if !u.Synthetic() {
			u.SetOut(u.Apply(0, len(u.Src())))
		}
		out = append(out, u)
	}
	return out
}

// redefineTypes handles a cell that changes the declaration of a type an
// earlier cell declared: yaegi v0.16.1 silently keeps the first
// declaration, so the session moves to a fresh interpreter where the
// definitions are replayed with the new type, and copies every variable
// whose type is unchanged. Functions that no longer compile and variables
// of changed types are reported on stderr. Callers hold s.cellMu.
func (s *Session) redefineTypes(units []*unit) {
	changed := map[string]string{}    // type name -> new source
	reimported := map[string]string{} // import name -> new source
	for _, u := range units {
		switch u.Kind() {
		case kindType:
			for _, d := range s.unitDefinitions(u) {
				if old, ok := s.definition(d.Name); ok && old.Kind == kindType && old.Source != d.Source {
					changed[d.Name] = d.Source
				}
			}
		case kindFunc:
			// yaegi never replaces a method: a changed one needs a fresh
			// interpreter too (see latebind.go).
			for _, d := range s.unitDefinitions(u) {
				if !strings.Contains(d.Name, ".") {
					continue
				}
				if old, ok := s.definition(d.Name); ok && old.Kind == kindFunc && old.Source != d.Source {
					changed[d.Name] = d.Source
				}
			}
		case kindImport:
			// A name imported again from another path also needs a fresh
			// interpreter: yaegi cannot rebind an import.
			for _, d := range s.unitDefinitions(u) {
				if old, ok := s.importDef(d.Name); ok && importPath(old) != importPath(d) {
					reimported[d.Name] = d.Source
				}
			}
		}
	}
	if len(changed) == 0 && len(reimported) == 0 {
		return
	}
	defs := s.Definitions()
	for i, d := range defs {
		if src, ok := changed[d.Name]; ok && (d.Kind == kindType || d.Kind == kindFunc) {
			defs[i].Source = src
		}
		if src, ok := reimported[d.Name]; ok && d.Kind == kindImport {
			defs[i].Source = src
		}
	}
	s.moveToFresh(defs, "redefining a type")
}

// moveToFresh moves the session to a fresh interpreter where defs are
// replayed, and copies every variable whose type is unchanged. Functions
// that no longer compile and variables of changed types are reported on
// stderr, as what happened after the event named by after. Callers hold
// s.cellMu.
func (s *Session) moveToFresh(defs []Definition, after string) {
	oldGlobals := s.globals()
	yi, tables, err := newInterpreter(s.stdout, s.stderr, s, s.lazy)
	if err != nil {
		fmt.Fprintf(s.stderr.w, "%s: %v\n", after, err)
		return
	}
	s.defsMu.Lock()
	s.yi, s.tables, s.defs, s.names = yi, tables, nil, map[string]bool{}
	s.defsMu.Unlock()
	failed := s.restore(defs)
	var lost []string
	newGlobals := s.globals()
	for name, ov := range oldGlobals {
		nv, ok := newGlobals[name]
		if !ok || !ov.IsValid() || !nv.CanSet() {
			continue
		}
		if ov.Type() == nv.Type() || ov.Type().AssignableTo(nv.Type()) {
			nv.Set(ov)
			continue
		}
		lost = append(lost, name)
	}
	sort.Strings(failed)
	sort.Strings(lost)
	if len(failed) > 0 {
		fmt.Fprintf(s.stderr.w, "note: after %s, these definitions no longer compile and were dropped: %s\n", after, strings.Join(failed, ", "))
	}
	if len(lost) > 0 {
		fmt.Fprintf(s.stderr.w, "note: after %s, these variables were reset to their zero values: %s\n", after, strings.Join(lost, ", "))
	}
}
