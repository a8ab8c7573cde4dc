package interp

import (
	"errors"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
)

// A cell that yaegi rejects is type-checked again with go/types, as the Go
// compiler would check it in a program made of the session's definitions
// and the cell as written (before the rewrites that bring current Go to
// yaegi). yaegi stops at its first type error and places errors inside
// function bodies at its own positions; go/types reports every error, in
// Go's words, at the cell's own lines. Its verdict is only used when yaegi
// failed too, and only when it finds errors in the cell: the program it
// checks is a reconstruction, so an error outside the cell, or one that
// the reconstruction may have caused, is not reported (see
// cellTypeErrors).
//
// The program is:
//
//	package main
//	imports: the cell's, the ones added for it, the session's, display, runtimes
//	the session's definitions that the cell does not redefine
//	the cell's declarations
//	the cell's top-level statements: a definition (x := e, var x = e)
//	    as a package-level var, since later cells and the cell's own
//	    functions see it as one; any other statement in a func _() of its own
//
// Standard library packages are type-checked from their source in GOROOT
// (no toolchain needed beyond it, cached for the session); other packages
// (display, runtimes, gonum) are left unresolved, which go/types treats
// quietly: what uses them is not checked.

// typeChecker holds what a session's type checks reuse: the importer of
// standard packages and its file set. The packages it has loaded (fmt
// and what it imports: some 20 MB of heap; net/http: 40 MB) are dropped
// after typeCheckKeep without a check, so that a session that once had a
// type error does not hold them while idle; the next check loads them
// again (about a second for fmt).
type typeChecker struct {
	busy sync.Mutex // held by a check, which may outlive the cell's wait, and by a drop
	fset *token.FileSet
	imp  types.ImporterFrom
	keep time.Duration // how long loaded packages are kept after a check
	drop *time.Timer   // drops fset and imp; reset by every check
}

// typeCheckKeep is how long a type checker keeps its loaded packages
// after its last check.
const typeCheckKeep = time.Minute

// load makes the importer if it was never made or was dropped. Callers
// hold busy.
func (tc *typeChecker) load() {
	if tc.imp != nil {
		return
	}
	tc.fset = token.NewFileSet()
	tc.imp = stdImporter{importer.ForCompiler(tc.fset, "source", nil).(types.ImporterFrom)}
}

// used restarts the countdown to the drop. Callers hold busy.
func (tc *typeChecker) used() {
	if tc.drop == nil {
		tc.drop = time.AfterFunc(tc.keep, func() {
			tc.busy.Lock()
			tc.fset, tc.imp = nil, nil
			tc.busy.Unlock()
		})
		return
	}
	tc.drop.Reset(tc.keep)
}

// stdImporter resolves standard library packages only.
type stdImporter struct{ src types.ImporterFrom }

func (i stdImporter) Import(path string) (*types.Package, error) {
	return i.ImportFrom(path, "", 0)
}

func (i stdImporter) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	first, _, _ := strings.Cut(path, "/")
	if strings.Contains(first, ".") || path == "C" {
		return nil, errors.New("not a standard package")
	}
	return i.src.ImportFrom(path, dir, mode)
}

// checker returns the session's type checker, made on first use.
func (s *Session) checker() *typeChecker {
	if s.tc == nil {
		s.tc = &typeChecker{keep: typeCheckKeep}
		if s.tcKeep > 0 {
			s.tc.keep = s.tcKeep
		}
	}
	return s.tc
}

// segment is a stretch of the checked program copied from the cell.
type segment struct {
	start, end int // offsets in the program
	cellOff    int // offset in the cell of the segment's first byte
}

// program builds the Go source the cell is checked in.
type program struct {
	b    strings.Builder
	segs []segment
}

func (p *program) text(s string) { p.b.WriteString(s) }

// cell copies text at cell offset off.
func (p *program) cell(text string, off int) {
	start := p.b.Len()
	p.b.WriteString(text)
	p.segs = append(p.segs, segment{start, p.b.Len(), off})
}

// cellOffset maps a program offset to a cell offset, if it is in the cell.
func (p *program) cellOffset(off int) (int, bool) {
	for _, sg := range p.segs {
		if off >= sg.start && off <= sg.end {
			return sg.cellOff + off - sg.start, true
		}
	}
	return 0, false
}

// cellTypeErrors type-checks the cell of units as Go would compile it and
// returns its errors as go build reports them ("cell[n]:l:c: message", in
// order of position), or nil: no error in the cell, or one the check
// cannot vouch for.
func (s *Session) cellTypeErrors(code string, cell int, units []*unit) []string {
	if cell <= 0 {
		return nil
	}
	var p program
	p.text("package main\n\n")

	// The names the cell defines replace the session's.
	cellNames := map[string]bool{}
	for _, u := range units {
		if u.Synthetic() {
			continue
		}
		for _, n := range u.Defines() {
			cellNames[n] = true
		}
		if u.Kind() == kindFunc {
			for _, d := range u.File().Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) == 1 {
					cellNames[recvTypeName(fd.Recv.List[0].Type)+"."+fd.Name.Name] = true
				}
			}
		}
	}

	// Imports first, as Go requires.
	imported := map[string]bool{}
	for _, u := range units {
		if u.Kind() != kindImport {
			continue
		}
		for _, sp := range importSpecs(u.File()) {
			imported[importName(sp)] = true
		}
		if u.Synthetic() {
			p.text(u.Src() + "\n")
		} else {
			p.cell(u.Src(), u.Off())
			p.text("\n")
		}
	}
	defs, _ := s.snapshot()
	s.defsMu.Lock()
	written := make(map[string]string, len(defs))
	for _, d := range defs {
		if g, ok := s.goSrc[d.Source]; ok {
			written[d.Source] = g.text
		}
	}
	varChecks := map[string]string{}
	for _, d := range defs {
		if d.Kind != kindVar {
			continue
		}
		// A variable whose type the session only guessed is left without
		// one, so that what the cell does with it is not checked.
		varChecks[d.Name] = "var " + d.Name + " = " + unknownName
		if c, ok := s.varChecks[d.Name]; ok && c.source == d.Source && c.text != "" {
			varChecks[d.Name] = c.text
		}
	}
	s.defsMu.Unlock()
	source := func(d Definition) string {
		if t, ok := written[d.Source]; ok {
			return t
		}
		return d.Source
	}
	for _, d := range defs {
		if d.Kind == kindImport && !imported[d.Name] {
			imported[d.Name] = true
			p.text(source(d) + "\n")
		}
	}
	for name, path := range map[string]string{"display": displayPath, "runtimes": runtimesPath} {
		if !imported[name] && !cellNames[name] {
			p.text("import " + name + " \"" + path + "\"\n")
		}
	}

	// The session's definitions, less those the cell makes again.
	for _, d := range defs {
		if d.Kind == kindImport || cellNames[d.Name] {
			continue
		}
		if d.Kind == kindConst && strings.Contains(d.Name, ",") {
			redefined := false
			for _, n := range strings.Split(d.Name, ",") {
				redefined = redefined || cellNames[n]
			}
			if redefined {
				continue
			}
		}
		if d.Kind == kindVar {
			p.text(varChecks[d.Name] + "\n")
			continue
		}
		p.text(source(d) + "\n")
	}

	// The cell, in its order.
	quietUnused := map[int]bool{} // cell offsets of names defined again in a func _
	quietValue := map[int]bool{}  // cell offsets of top-level expression statements
	defined := map[string]bool{}
	for _, u := range units {
		if u.Synthetic() || u.Kind() == kindImport {
			continue
		}
		if u.IsDecl() {
			p.text("\n")
			p.cell(u.Src(), u.Off())
			p.text("\n")
			for _, n := range u.Defines() {
				defined[n] = true
			}
			continue
		}
		for _, st := range u.Stmts() {
			off := u.Off() + u.Offset(st.Pos())
			text := u.Src()[u.Offset(st.Pos()):u.Offset(st.End())]
			names := topLevelNames(st)
			fresh := len(names) > 0 // all new
			some := false           // some new
			for _, id := range names {
				fresh = fresh && !defined[id.Name]
				some = some || !defined[id.Name]
			}
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE && some {
					// a, err := f() after err := g() defines a and
					// assigns err: only a is declared again.
					rhs := st.Rhs
					p.text("\nvar ")
					for i, l := range st.Lhs {
						if i > 0 {
							p.text(", ")
						}
						if id := l.(*ast.Ident); id.Name == "_" || defined[id.Name] {
							p.text("_")
						} else {
							p.cell(id.Name, u.Off()+u.Offset(id.Pos()))
						}
					}
					p.text(" = ")
					p.cell(u.Src()[u.Offset(rhs[0].Pos()):u.Offset(rhs[len(rhs)-1].End())], u.Off()+u.Offset(rhs[0].Pos()))
					p.text("\n")
					for _, id := range names {
						defined[id.Name] = true
					}
					continue
				}
			case *ast.DeclStmt:
				if fresh {
					p.text("\n")
					p.cell(text, off)
					p.text("\n")
					for _, id := range names {
						defined[id.Name] = true
					}
					continue
				}
			case *ast.ExprStmt:
				quietValue[off] = true
			}
			for _, id := range names {
				quietUnused[u.Off()+u.Offset(id.Pos())] = true
			}
			p.text("\nfunc _() {\n")
			p.cell(text, off)
			p.text("\n}\n")
		}
	}

	known := s.globals()
	tc := s.checker()
	if !tc.busy.TryLock() {
		return nil // a check that timed out still runs
	}
	done := make(chan []found, 1)
	go func() {
		defer tc.busy.Unlock()
		tc.load()
		defer tc.used()
		defer func() {
			// A failure of the checker must not take the evaluator down:
			// the cell keeps the interpreter's message.
			if recover() != nil {
				done <- nil
			}
		}()
		done <- tc.check(&p, quietUnused, quietValue, known)
	}()
	var errs []found
	select {
	case errs = <-done:
	case <-time.After(s.typeCheckWait()):
		// Loading the standard packages a cell imports can take seconds
		// (net/http); the check goes on and leaves them loaded for the
		// next failed cell, and this one keeps the interpreter's message.
		return nil
	}
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].off < errs[j].off })
	var lines []string
	seen := map[string]bool{}
	for _, e := range errs {
		l := cellPosition(code, cell, e.off) + ": " + e.msg
		if !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	return limitErrors(lines)
}

// found is an error a check found in the cell, at a cell offset.
type found struct {
	off int
	msg string
}

// check type-checks program p; known are the interpreter's global names.
// It returns nil when it found no error in the cell or cannot vouch for
// what it found.
func (tc *typeChecker) check(p *program, quietUnused, quietValue map[int]bool, known map[string]reflect.Value) []found {
	f, err := parser.ParseFile(tc.fset, "cell.go", p.b.String(), parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	tf := tc.fset.File(f.Pos())
	var errs []found
	doubt := false
	conf := types.Config{
		Importer: tc.imp,
		Error: func(err error) {
			te, ok := err.(types.Error)
			if !ok || doubt {
				return
			}
			off, ok := p.cellOffset(tf.Offset(te.Pos))
			if !ok {
				return // in the session's definitions
			}
			msg := te.Msg
			switch {
			case strings.HasPrefix(msg, "could not import"),
				strings.HasSuffix(msg, "imported and not used"),
				strings.HasPrefix(msg, "initialization cycle"),
				strings.Contains(msg, unknownName):
				return
			case strings.HasPrefix(msg, "declared and not used") && quietUnused[off],
				strings.HasSuffix(msg, " is not used") && quietValue[off]:
				return
			}
			if name, ok := strings.CutPrefix(msg, "undefined: "); ok && !strings.Contains(name, ".") {
				if _, ok := known[name]; ok {
					doubt = true // the interpreter knows it: the reconstruction missed it
					return
				}
			}
			errs = append(errs, found{off, msg})
		},
	}
	conf.Check("main", tc.fset, []*ast.File{f}, nil)
	if doubt {
		return nil
	}
	return errs
}

// typeCheckWait is how long a failed cell waits for its type check.
func (s *Session) typeCheckWait() time.Duration {
	if s.tcWait > 0 {
		return s.tcWait
	}
	return 5 * time.Second
}

// unknownName stands for the value of a session variable whose type the
// session only guessed: undefined, it makes the variable's type invalid,
// and go/types reports nothing about invalid operands.
const unknownName = "_spinlabUnknownType"

// varCheck is how a type check declares a session variable.
type varCheck struct {
	source string // the Source of the variable's Definition
	text   string // its declaration for go/types, or "": unknown
}

// noteVarCheck records how a type check declares variable d, the i-th of
// names, defined from values in unit u: as d.Source where that names the
// type the cell gave it, else with the initialiser as written (go/types
// infers its type as Go does), else not at all. A Definition alone
// cannot tell: Source's type may be read from the interpreter's value, in
// which an interpreted named type reads as its underlying type. Replayed
// definitions are not noted, and not vouched for.
func (s *Session) noteVarCheck(d Definition, guessed bool, u *unit, names []ast.Expr, i int, values []ast.Expr) {
	text := d.Source
	if guessed {
		text = ""
		if len(values) > 0 && (len(values) == len(names) || len(values) == 1) {
			var lhs []string
			for j := range names {
				if j == i {
					lhs = append(lhs, d.Name)
				} else {
					lhs = append(lhs, "_")
				}
			}
			rhs := values
			if len(values) == len(names) && len(names) > 1 {
				lhs, rhs = []string{d.Name}, values[i:i+1]
			}
			text = "var " + strings.Join(lhs, ", ") + " = " + u.Src()[u.Offset(rhs[0].Pos()):u.Offset(rhs[len(rhs)-1].End())]
		}
	}
	s.defsMu.Lock()
	defer s.defsMu.Unlock()
	if s.varChecks == nil {
		s.varChecks = map[string]varCheck{}
	}
	s.varChecks[d.Name] = varCheck{source: d.Source, text: text}
}

// topLevelNames are the names a top-level statement defines.
func topLevelNames(st ast.Stmt) []*ast.Ident {
	var ids []*ast.Ident
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok != token.DEFINE {
			return nil
		}
		for _, l := range st.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok {
				return nil
			}
			if id.Name != "_" {
				ids = append(ids, id)
			}
		}
	case *ast.DeclStmt:
		gd, ok := st.Decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			return nil
		}
		for _, sp := range gd.Specs {
			for _, id := range sp.(*ast.ValueSpec).Names {
				if id.Name != "_" {
					ids = append(ids, id)
				}
			}
		}
	}
	return ids
}

// importSpecs lists a file's import specs.
func importSpecs(f *ast.File) []*ast.ImportSpec {
	var specs []*ast.ImportSpec
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			for _, sp := range gd.Specs {
				specs = append(specs, sp.(*ast.ImportSpec))
			}
		}
	}
	return specs
}
