package interp

import "go/ast"

// os.Exit ends a Go program without running deferred calls. In a session
// it cannot end the process (the session would go with it), so it panics
// with an exit value that the cell reports as its "exit" error; a panic
// runs deferred calls, and a deferred recover would even catch it. So
// os.Exit (and log.Fatal) first mark the session as exiting, and the
// rewriter makes every deferred call of interpreted code check the mark:
//
//	defer f(x)            →  defer func() { if !_spinlabrt.Exiting() { f(x) } }()
//	defer func() { ... }() →  defer func() { if _spinlabrt.Exiting() { return }; ... }()
//
// (a function literal keeps its body in place so that recover is still
// called directly by the deferred function). A deferred call of another
// function with arguments that are not literals ("defer fmt.Println(x)")
// is left alone and still runs: see skipDefersOnExit. The mark holds until the
// next cell starts, as for a process that is gone: deferred calls of the
// cell's other goroutines are skipped too.

// skipDefersOnExit rewrites the defer statements of a unit (see above).
// It runs before bindArgs, whose block must enclose the wrapper.
func skipDefersOnExit(u *unit) {
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
		if !isName(d.Call.Fun) {
			// "defer trace()()": the function value is computed at the
			// defer, which a wrapper would postpone.
			return true
		}
		for _, a := range d.Call.Args {
			if !isLiteral(a) {
				// Its arguments are bound to variables before the defer
				// (callargs.go); a wrapper closure would share them
				// between loop iterations in yaegi v0.16.1, so such a
				// call still runs on exit.
				return true
			}
		}
		start, end := u.offset(d.Call.Pos()), u.offset(d.Call.End())
		u.edit(start, start, "func() { if !"+rtName+".Exiting() { ")
		u.edit(end, end, " } }()")
		return true
	})
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
