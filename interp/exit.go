package interp

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"strings"
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
//	defer f(x, 1)          →  { _spinlabA1 := x; defer _spinlabrt.Deferred(f, _spinlabA1, 1) }
//	defer t.Log(xs...)     →  { _spinlabF1, _spinlabA2 := t.Log, xs; defer _spinlabrt.Spread(_spinlabF1, _spinlabA2) }
//	defer close(ch)        →  { _spinlabA1 := ch; defer _spinlabrt.Deferred(_spinlabrt.Close, _spinlabA1) }
//
// A function literal keeps its body in place so that recover is still
// called directly by the deferred function. A call with arguments that
// are not literals cannot become a closure: yaegi v0.16.1 evaluates a
// deferred call's arguments when it runs (see callargs.go), and a closure
// made in a loop is one value for every iteration, so every deferred call
// would see the last iteration's values; the arguments and the function
// value (a method value binds its receiver) are bound where the defer
// statement runs, and a compiled helper makes the call, unless the
// session is exiting. A named function that calls recover stays the
// deferred function (recover must be called directly by it): its own
// body returns at once when the session is exiting. What remains runs on
// exit: a deferred call of a generic function with non-literal arguments,
// and of the builtins other than close. The mark holds until the next
// cell starts, as for a process that is gone: deferred calls of the
// cell's other goroutines are skipped too.

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
			r.deferCall(u, d, rtName+".Close")
		case id != nil && (isBuiltin(id.Name) || r.generic(id.Name)):
			return true
		default:
			r.deferCall(u, d, "")
		}
		return true
	})
}

// deferCall rewrites "defer f(args)" into a deferred call of the session's
// helper with the function value and the non-literal arguments bound
// before the statement (see above); fn replaces f when not "".
func (r *rewriter) deferCall(u *unit, d *ast.DeferStmt, fn string) {
	var names, values []string
	bind := func(e ast.Expr) string {
		r.loops++
		name := fmt.Sprintf("_spinlabA%d", r.loops)
		names = append(names, name)
		values = append(values, u.takeEdits(u.offset(e.Pos()), u.offset(e.End())))
		return name
	}
	helper := rtName + ".Deferred("
	if d.Call.Ellipsis != token.NoPos {
		helper = rtName + ".Spread("
	}
	if fn == "" {
		if _, ok := d.Call.Fun.(*ast.Ident); ok {
			fn = u.takeEdits(u.offset(d.Call.Fun.Pos()), u.offset(d.Call.Fun.End()))
		} else {
			fn = bind(d.Call.Fun) // a method value binds its receiver here
		}
	}
	var args []string
	for _, a := range d.Call.Args {
		if isLiteral(a) {
			args = append(args, u.takeEdits(u.offset(a.Pos()), u.offset(a.End())))
		} else {
			args = append(args, bind(a))
		}
	}
	call := helper + strings.Join(append([]string{fn}, args...), ", ") + ")"
	at, end := u.offset(d.Call.Pos()), u.offset(d.Call.End())
	u.takeEdits(at, end)
	u.edit(at, end, call)
	r.bound[d] = true
	if len(names) > 0 {
		at := u.offset(d.Pos())
		u.edit(at, at, "{ "+strings.Join(names, ", ")+" := "+strings.Join(values, ", ")+"; ")
		u.edit(end, end, " }")
	}
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

// generic reports a generic function of the cell or the session, which
// is no value without its type arguments.
func (r *rewriter) generic(name string) bool {
	if f, ok := r.funcs[name]; ok {
		return f.ft.TypeParams != nil
	}
	for _, d := range r.defs {
		if d.Kind == kindFunc && d.Name == name {
			return strings.HasPrefix(d.Source, "func "+name+"[")
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

// closeChan closes a channel: close as a value for deferred.
func closeChan(ch any) { reflect.ValueOf(ch).Close() }

// deferred calls f with args, unless the session is exiting: the
// deferred form of a call whose arguments are evaluated at the defer
// statement (see skipDefersOnExit).
func (s *Session) deferred(f any, args ...any) {
	if !s.exiting.Load() {
		callDeferred(f, args, false)
	}
}

// deferredSpread is deferred for a call whose last argument is spread
// (f(a, xs...)).
func (s *Session) deferredSpread(f any, args ...any) {
	if !s.exiting.Load() {
		callDeferred(f, args, true)
	}
}

// callDeferred calls f with args as the interpreted call would: an
// argument goes to its parameter's type (an untyped constant argument
// arrives with its default type: 1 for a float64 parameter), nil to the
// parameter's zero value.
func callDeferred(f any, args []any, spread bool) {
	fv := reflect.ValueOf(f)
	ft := fv.Type()
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		var pt reflect.Type
		switch {
		case ft.IsVariadic() && i >= ft.NumIn()-1 && !spread:
			pt = ft.In(ft.NumIn() - 1).Elem()
		case i < ft.NumIn():
			pt = ft.In(i)
		}
		v := reflect.ValueOf(a)
		switch {
		case pt == nil:
		case !v.IsValid():
			v = reflect.Zero(pt)
		case v.Type().AssignableTo(pt):
		case v.Type().ConvertibleTo(pt):
			v = v.Convert(pt)
		}
		in[i] = v
	}
	if spread {
		fv.CallSlice(in)
		return
	}
	fv.Call(in)
}
