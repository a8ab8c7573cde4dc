package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"

	"github.com/spinlab/spinlab/interp/symbols"
)

// os.Exit ends a Go program without running deferred calls. In a session
// it cannot end the process (the session would go with it), so it panics
// with an exit value that the cell reports as its "exit" error; a panic
// runs deferred calls, and a deferred recover would even catch it. So
// os.Exit (and log.Fatal) first mark the session as exiting, and the
// rewriter makes every deferred call of interpreted code check the mark:
//
//	defer func() { ... }() →  defer func() { if _spinlabrt.Exiting() { return }; ... }()
//	defer mu.Unlock()      →  defer func() { if !_spinlabrt.Exiting() { mu.Unlock() } }()
//	defer f(x, 1)          →  defer func(_spinlabP1 T, _spinlabP2 float64) { if !_spinlabrt.Exiting() { f(_spinlabP1, _spinlabP2) } }(x, 1)
//	defer close(ch)        →  { _spinlabA1 := ch; defer _spinlabrt.Deferred(_spinlabrt.Close, _spinlabA1) }
//
// A function literal keeps its body in place so that recover is still
// called directly by the deferred function. A call with arguments that
// are not literals cannot become a closure over them: yaegi v0.16.1 gives
// a literal made in a loop one value for all iterations, so every
// deferred closure would see the last iteration's values. A literal with
// the callee's parameters captures nothing; its arguments are those of
// the defer statement, bound there by bindArgs (callargs.go), so they are
// evaluated where Go evaluates them. The parameters' types come from the
// declaration of a function of the cell or the session, or from the
// symbol table of a compiled package (fmt.Sprint, io.WriteString). A
// named function or method that calls recover stays the deferred
// function (recover must be called directly by it): its own body returns
// at once when the session is exiting, so that it neither runs nor
// catches the exit.
//
// A variadic callee gets a literal that takes the call's arguments one
// by one (or the spread slice) and is not variadic itself: yaegi v0.16.1
// passes a deferred variadic literal its arguments wrongly.
//
// What still runs on exit: a deferred call with non-literal arguments of
// a function with a parameter of type any (fmt.Println: yaegi v0.16.1
// loses interpreted values passed to deferred literals as any), of a
// method value, of a function value that is not declared (a local
// closure), of a generic function, of a builtin other than close, and
// of a compiled function with a parameter type the call's place cannot
// write. The mark holds until the next cell starts,
// as for a process that is gone: deferred calls of the cell's other
// goroutines are skipped too.

// skipDefersOnExit rewrites the defer statements of a unit (see above).
// It runs before bindArgs, whose block must enclose the closure wrappers.
func (r *rewriter) skipDefersOnExit(u *unit) {
	r.returnOnExit(u)
	ast.Inspect(u.file, func(n ast.Node) bool {
		d, ok := n.(*ast.DeferStmt)
		if !ok {
			return true
		}
		if lit, ok := d.Call.Fun.(*ast.FuncLit); ok {
			if lit.Type.Results != nil && len(lit.Type.Results.List) > 0 {
				return true // a bare return would not compile; rare in a defer
			}
			at := u.offset(lit.Body.Lbrace) + 1
			u.edit(at, at, " if "+rtName+".Exiting() { return };")
			return true
		}
		literal := true
		for _, a := range d.Call.Args {
			literal = literal && isLiteral(a)
		}
		id, _ := d.Call.Fun.(*ast.Ident)
		sel, _ := d.Call.Fun.(*ast.SelectorExpr)
		switch {
		case id != nil && r.recovers(id.Name), sel != nil && r.recovers("."+sel.Sel.Name):
			return true // returns on exit by itself (returnOnExit)
		case isName(d.Call.Fun) && literal && d.Call.Ellipsis == token.NoPos:
			start, end := u.offset(d.Call.Pos()), u.offset(d.Call.End())
			u.edit(start, start, "func() { if !"+rtName+".Exiting() { ")
			u.edit(end, end, " } }()")
			return true
		case id != nil && id.Name == "close" && len(d.Call.Args) == 1 && !r.shadowed("close"):
			r.deferClose(u, d)
		case id != nil:
			if ft, text := r.signature(id.Name); ft != nil {
				var params []string
				for _, f := range ft.Params.List {
					for range max(1, len(f.Names)) {
						params = append(params, text(f.Type))
					}
				}
				r.deferLiteral(u, d, id.Name, params)
			}
		default:
			if params, ok := r.compiledParams(u, d.Call.Fun); ok {
				r.deferLiteral(u, d, u.src[u.offset(d.Call.Fun.Pos()):u.offset(d.Call.Fun.End())], params)
			}
		}
		return true
	})
}

// signature returns the type of a non-generic function the cell or the
// session declares, and the text of its nodes; nil for any other name (a
// builtin, a generic function, a local function value).
func (r *rewriter) signature(name string) (*ast.FuncType, func(ast.Node) string) {
	if isBuiltin(name) {
		return nil, nil
	}
	if f, ok := r.funcs[name]; ok {
		if f.ft.TypeParams != nil {
			return nil, nil
		}
		return f.ft, f.text
	}
	for _, d := range r.defs {
		if d.Kind != kindFunc || d.Name != name {
			continue
		}
		src := "package p\n" + d.Source
		file, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
		if err != nil || len(file.Decls) != 1 {
			return nil, nil
		}
		fd, ok := file.Decls[0].(*ast.FuncDecl)
		if !ok || fd.Type.TypeParams != nil {
			return nil, nil
		}
		base := int(file.FileStart)
		return fd.Type, func(n ast.Node) string { return src[int(n.Pos())-base : int(n.End())-base] }
	}
	return nil, nil
}

// deferLiteral rewrites "defer f(args)" into a deferred function literal
// with f's parameters (their types' source), which calls f unless the
// session is exiting. The arguments stay those of the defer statement
// (bindArgs binds them there), so they are evaluated and converted as for
// f, and the literal captures nothing: yaegi v0.16.1 gives a literal made
// in a loop one value for all iterations, which only its parameters tell
// apart.
func (r *rewriter) deferLiteral(u *unit, d *ast.DeferStmt, f string, params []string) {
	for _, t := range params {
		switch strings.TrimPrefix(t, "...") {
		case "any", "interface {}", "interface{}":
			// yaegi v0.16.1 loses the second of two deferred literal
			// calls' interpreted values passed as any (it printed
			// "<nil>"): the call stays as written.
			return
		}
	}
	spread := ""
	if n := len(params); n > 0 && strings.HasPrefix(params[n-1], "...") {
		// yaegi v0.16.1 passes the arguments of a deferred variadic
		// literal wrongly ("cannot use []int as type int", a spread
		// slice as one element): the literal takes the call's arguments
		// one by one, or the spread slice, and is not variadic.
		elem := strings.TrimPrefix(params[n-1], "...")
		params = params[:n-1]
		switch {
		case d.Call.Ellipsis != token.NoPos:
			params, spread = append(params, "[]"+elem), "..."
		case len(d.Call.Args) < len(params):
			return
		default:
			for range len(d.Call.Args) - len(params) {
				params = append(params, elem)
			}
		}
	}
	var decl, args []string
	for _, t := range params {
		r.loops++
		p := fmt.Sprintf("_spinlabP%d", r.loops)
		decl = append(decl, p+" "+t)
		args = append(args, p)
	}
	if spread != "" {
		args[len(args)-1] += spread
		at := u.offset(d.Call.Ellipsis)
		u.edit(at, at+len("..."), "")
	}
	lit := "func(" + strings.Join(decl, ", ") + ") { if !" + rtName + ".Exiting() { " + f + "(" + strings.Join(args, ", ") + ") } }"
	u.edit(u.offset(d.Call.Fun.Pos()), u.offset(d.Call.Fun.End()), lit)
}

// compiledParams returns the source of the parameter types of a function
// of a compiled package (fmt.Println: "...interface {}"), when each can
// be written where the call is: built from predeclared types and the
// package's own.
func (r *rewriter) compiledParams(u *unit, fun ast.Expr) ([]string, bool) {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return nil, false
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok || r.shadowed(x.Name) || localNames(u.file)[x.Name] {
		return nil, false
	}
	if _, ok := r.globals[x.Name]; ok {
		return nil, false
	}
	path := packagePath(r.defs, x.Name)
	if path == "" {
		return nil, false
	}
	v, ok := symbols.Table(symbolKey(path))[sel.Sel.Name]
	if !ok || !v.IsValid() || v.Kind() != reflect.Func {
		return nil, false
	}
	t := v.Type()
	var params []string
	for i := range t.NumIn() {
		p := t.In(i)
		prefix := ""
		if t.IsVariadic() && i == t.NumIn()-1 {
			p, prefix = p.Elem(), "..."
		}
		if !writable(p, path, x.Name, map[reflect.Type]bool{}) {
			return nil, false
		}
		params = append(params, prefix+p.String())
	}
	return params, true
}

// writable reports whether reflect's rendering of t is Go source where
// package path is imported as name: its named types are predeclared or
// path's, under its own name.
func writable(t reflect.Type, path, name string, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	if t.Name() != "" {
		switch t.PkgPath() {
		case "":
			return true
		case path:
			return token.IsExported(t.Name()) && strings.HasPrefix(t.String(), name+".")
		}
		return false
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return writable(t.Elem(), path, name, seen)
	case reflect.Map:
		return writable(t.Key(), path, name, seen) && writable(t.Elem(), path, name, seen)
	case reflect.Func:
		for i := range t.NumIn() {
			if !writable(t.In(i), path, name, seen) {
				return false
			}
		}
		for i := range t.NumOut() {
			if !writable(t.Out(i), path, name, seen) {
				return false
			}
		}
		return true
	case reflect.Interface:
		return t.NumMethod() == 0
	case reflect.Struct:
		return t.NumField() == 0
	}
	return true
}

// deferClose rewrites "defer close(ch)" into a deferred call of the
// session's helper, with ch bound before the statement (see above).
func (r *rewriter) deferClose(u *unit, d *ast.DeferStmt) {
	a := d.Call.Args[0]
	arg := u.takeEdits(u.offset(a.Pos()), u.offset(a.End()))
	at, end := u.offset(d.Call.Pos()), u.offset(d.Call.End())
	u.takeEdits(at, end)
	r.bound[d] = true
	r.loops++
	name := fmt.Sprintf("_spinlabA%d", r.loops)
	u.edit(at, end, rtName+".Deferred("+rtName+".Close, "+name+")")
	start := u.offset(d.Pos())
	u.edit(start, start, "{ "+name+" := "+arg+"; ")
	u.edit(end, end, " }")
}

// recovers reports a function of the cell or the session that calls
// recover in its body; ".M" asks for any method M.
func (r *rewriter) recovers(name string) bool {
	if r.recovering[name] {
		return true
	}
	if _, ok := r.funcs[name]; ok {
		return false
	}
	for _, d := range r.defs {
		if d.Kind != kindFunc || !strings.Contains(d.Source, "recover()") {
			continue
		}
		if d.Name == name || strings.HasPrefix(name, ".") && strings.HasSuffix(d.Name, name) {
			return true
		}
	}
	return false
}

// returnOnExit makes each function and method the unit declares that
// calls recover (a deferred handler: defer catch(&err)) return at once when the session
// is exiting, so that it neither runs nor catches the exit.
func (r *rewriter) returnOnExit(u *unit) {
	for _, decl := range u.file.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Body == nil || !callsRecover(fd.Body) {
			continue
		}
		if res := fd.Type.Results; res != nil && len(res.List) > 0 && len(res.List[0].Names) == 0 {
			continue // a bare return would not compile
		}
		at := u.offset(fd.Body.Lbrace) + 1
		u.edit(at, at, " if "+rtName+".Exiting() { return };")
	}
}

// callsRecover reports a call of recover in a function body, outside the
// function literals in it.
func callsRecover(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "recover" {
				found = true
			}
		}
		return !found
	})
	return found
}

// isBuiltin reports the builtin functions, which are no values.
func isBuiltin(name string) bool {
	switch name {
	case "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make",
		"max", "min", "new", "panic", "print", "println", "real", "recover":
		return true
	}
	return false
}

// isName reports an identifier or a selector chain of identifiers
// (f, mu.Unlock, s.mu.Unlock): evaluating it has no effect.
func isName(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return isName(e.X)
	}
	return false
}
