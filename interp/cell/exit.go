package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
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
//	defer fmt.Println(x)   →  { _spinlabA2 := x; defer func(_spinlabP1 int) { if !_spinlabrt.Exiting() { fmt.Println(_spinlabP1) } }(_spinlabA2) }
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
// A callee whose parameters do not type the arguments (fmt.Println's
// any, a generic function, a builtin) or that is a value (a method value,
// a local closure) gets a literal whose parameters take the arguments'
// own types, as the session can tell them where the statement is
// (scopedVarTypes), with the receiver or the function value bound as well
// (deferBound): Go evaluates those at the defer statement too. What still
// runs on exit: such a call with an argument whose type the session
// cannot tell or that is an interface (yaegi v0.16.1 loses interpreted
// values passed to deferred literals as interfaces), a method of a
// compiled type's value or a promoted method, and a compiled function
// with a parameter type the call's place cannot write. The mark holds
// until the next cell starts, as for a process that is gone: deferred
// calls of the cell's other goroutines are skipped too.

// skipDefersOnExit rewrites the defer statements of a unit (see above).
// It runs before bindArgs, whose block must enclose the closure wrappers.
func (r *rewriter) skipDefersOnExit(u *unit) {
	r.returnOnExit(u)
	type boundDefer struct {
		d        *ast.DeferStmt
		fallback func() // when deferBound leaves it alone, or nil
	}
	var bound []boundDefer
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
			wrap := func() {
				start, end := u.offset(d.Call.Pos()), u.offset(d.Call.End())
				u.edit(start, start, "func() { if !"+rtName+".Exiting() { ")
				u.edit(end, end, " } }()")
			}
			if r.calleeIsValue(u, d.Call.Fun) {
				// Its receiver or value is evaluated at the defer
				// statement, not when the wrapper runs.
				bound = append(bound, boundDefer{d, wrap})
				return true
			}
			wrap()
			return true
		case id != nil && id.Name == "close" && len(d.Call.Args) == 1 && !r.shadowed("close"):
			r.deferClose(u, d)
		case id != nil:
			ft, text := r.signature(id.Name)
			if ft == nil || r.varTypes[id.Name] != "" {
				bound = append(bound, boundDefer{d, nil})
				break
			}
			var params []string
			for _, f := range ft.Params.List {
				for range max(1, len(f.Names)) {
					params = append(params, text(f.Type))
				}
			}
			if !r.deferLiteral(u, d, id.Name, params) {
				bound = append(bound, boundDefer{d, nil})
			}
		default:
			params, ok := r.compiledParams(u, d.Call.Fun)
			if !ok || !r.deferLiteral(u, d, u.src[u.offset(d.Call.Fun.Pos()):u.offset(d.Call.Fun.End())], params) {
				bound = append(bound, boundDefer{d, nil})
			}
		}
		return true
	})
	// Innermost first: the text of an argument then carries the rewrite
	// of the defer statements inside it.
	for i := len(bound) - 1; i >= 0; i-- {
		if b := bound[i]; !r.deferBound(u, b.d) && b.fallback != nil {
			b.fallback()
		}
	}
}

// calleeIsValue reports a callee that Go evaluates at the defer statement
// to something that may change later: a method value (mu.Unlock, with its
// receiver) or a variable holding a function.
func (r *rewriter) calleeIsValue(u *unit, fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.Ident:
		if _, ok := r.funcs[f.Name]; ok {
			return false
		}
		return r.varTypes[f.Name] != "" || localNames(u.file)[f.Name] || r.globals[f.Name].IsValid()
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		return !ok || !r.isPackage(x.Name) || localNames(u.file)[x.Name]
	}
	return false
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
func (r *rewriter) deferLiteral(u *unit, d *ast.DeferStmt, f string, params []string) bool {
	for _, t := range params {
		if isAnyType(strings.TrimPrefix(t, "...")) {
			// yaegi v0.16.1 loses the second of two deferred literal
			// calls' interpreted values passed as any (it printed
			// "<nil>"): deferBound types the parameters from the
			// arguments instead.
			return false
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
			return true // a call Go refuses: yaegi says so
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
	return true
}

func isAnyType(t string) bool {
	switch t {
	case "any", "interface {}", "interface{}":
		return true
	}
	return false
}

// deferBound rewrites a defer statement whose callee's parameters do not
// type its arguments (fmt.Println(x): any; a generic function; a builtin),
// or whose callee is a value (a method value, a local closure), into a
// deferred literal whose parameters take the types of the arguments, the
// callee value's and the receiver's, all bound before the statement:
//
//	defer t.Log(x, 1)  →  { _spinlabA1, _spinlabA2 := t, x; defer func(_spinlabP1 *T, _spinlabP2 int) { if !_spinlabrt.Exiting() { _spinlabP1.Log(_spinlabP2, 1) } }(_spinlabA1, _spinlabA2) }
//
// so that the literal captures nothing and everything is evaluated at the
// defer statement, as Go evaluates it. Literal arguments stay in the call,
// where an untyped constant takes its parameter's type. It leaves the
// statement alone when a type is not evident, or is an interface
// (yaegi v0.16.1 loses interpreted values passed to deferred literals as
// any).
func (r *rewriter) deferBound(u *unit, d *ast.DeferStmt) bool {
	call := d.Call
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	local := localNames(u.file)
	saved := r.varTypes
	r.varTypes = r.scopedVarTypes(u.file, d, text)
	defer func() { r.varTypes = saved }()
	// What the rewrite binds and where it goes: nothing is taken from
	// the unit's edits until the statement is known to be rewritten.
	type binding struct {
		n      ast.Node
		prefix string // "&" for a receiver whose address is taken
		typ    string
		param  string
	}
	var binds []*binding
	bind := func(n ast.Node, typ string) *binding {
		r.loops++
		b := &binding{n: n, typ: typ, param: fmt.Sprintf("_spinlabP%d", r.loops)}
		binds = append(binds, b)
		return b
	}
	typeOf := func(e ast.Expr) string {
		t, _ := r.exprType(e, text)
		if t == "" || strings.HasPrefix(t, "(") || isAnyType(t) || r.isInterface(t) {
			return ""
		}
		return t
	}
	// The callee as the unit's other rewrites left it, with what they
	// inserted after it (sum[int] for a generic function whose type
	// argument they inferred).
	var callee func() string
	rewritten := func() string { return u.apply(u.offset(call.Fun.Pos()), u.offset(call.Fun.End())) }
	printFirst := -1
	switch f := call.Fun.(type) {
	case *ast.Ident:
		_, declared := r.funcs[f.Name]
		if d, ok := r.s.definition(f.Name); ok && d.Kind == kindFunc {
			declared = true
		}
		switch {
		case r.varTypes[f.Name] != "" || local[f.Name] || !declared && r.globals[f.Name].IsValid():
			// A function value: bound as it is at the defer statement.
			t := typeOf(f)
			if !strings.HasPrefix(t, "func(") {
				return false
			}
			b := bind(f, t)
			callee = func() string { return b.param }
		case declared:
			callee = rewritten
		case f.Name == "delete" || f.Name == "copy" || f.Name == "clear" || f.Name == "print" || f.Name == "println" || f.Name == "panic":
			if r.shadowed(f.Name) {
				return false
			}
			callee = rewritten
		default:
			return false
		}
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && r.isPackage(x.Name) && !local[x.Name] {
			callee = rewritten
			if first, ok := printFuncs[x.Name][f.Sel.Name]; ok {
				printFirst = first
			}
			if at, ok := printfFuncs[x.Name][f.Sel.Name]; ok {
				printFirst = at + 1
			}
			break
		}
		// A method value: its receiver is evaluated at the defer
		// statement, its address taken for a method with a pointer
		// receiver.
		t := typeOf(f.X)
		if t == "" {
			return false
		}
		prefix := ""
		if !strings.HasPrefix(t, "*") {
			m, ok := r.methods[t+"."+f.Sel.Name]
			if !ok {
				return false // a compiled type's method, or a promoted one
			}
			if m.ptr {
				t, prefix = "*"+t, "&"
			}
		}
		b := bind(f.X, t)
		b.prefix = prefix
		callee = func() string { return b.param + "." + f.Sel.Name }
	default:
		return false
	}
	local = localTypeNames(u.file)
	var body []func() string
	for i, a := range call.Args {
		t, untyped := r.exprType(a, text)
		if isLiteral(a) || untyped && t != "" {
			// A constant stays in the call, untyped.
			body = append(body, func() string { return u.takeEdits(u.offset(a.Pos()), u.offset(a.End())) })
			continue
		}
		if t = typeOf(a); t == "" {
			return false
		}
		spread := i == len(call.Args)-1 && call.Ellipsis.IsValid()
		if spread && !strings.HasPrefix(t, "[]") {
			return false
		}
		b := bind(a, t)
		arg := b.param
		if printFirst >= 0 && i >= printFirst && !spread && r.namesSessionType(t, local) {
			arg = rtName + ".Declared(" + strconv.Quote(t) + ", " + arg + ")"
		}
		if spread {
			arg += "..."
		}
		body = append(body, func() string { return arg })
	}
	var names, values, params, args []string
	for _, b := range binds {
		r.loops++
		name := fmt.Sprintf("_spinlabA%d", r.loops)
		names, args = append(names, name), append(args, name)
		values = append(values, b.prefix+u.takeEdits(u.offset(b.n.Pos()), u.offset(b.n.End())))
		params = append(params, b.param+" "+b.typ)
	}
	var out []string
	for _, f := range body {
		out = append(out, f())
	}
	fn := callee()
	at, end := u.offset(d.Pos()), u.offset(d.End())
	u.takeEdits(at, end)
	r.bound[d] = true
	lit := "defer func(" + strings.Join(params, ", ") + ") { if !" + rtName + ".Exiting() { " + fn + "(" + strings.Join(out, ", ") + ") } }(" + strings.Join(args, ", ") + ")"
	if len(names) > 0 {
		lit = "{ " + strings.Join(names, ", ") + " := " + strings.Join(values, ", ") + "; " + lit + " }"
	}
	u.edit(at, end, lit)
	return true
}

// isInterface reports a type, as the cell writes it, that is an
// interface: error, a session interface type, or a compiled package's.
func (r *rewriter) isInterface(t string) bool {
	if t == "error" || isAnyType(t) || strings.HasPrefix(t, "interface") {
		return true
	}
	if ts := r.sessionTypeSpecs()[t]; ts != nil {
		_, ok := ts.Type.(*ast.InterfaceType)
		return ok
	}
	pkg, name, ok := strings.Cut(t, ".")
	if !ok || strings.ContainsAny(pkg, "*[]()") {
		return false
	}
	path := packagePath(r.defs, pkg)
	if path == "" {
		return false
	}
	v, ok := symbols.Table(symbolKey(path))[name]
	return ok && v.IsValid() && v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Interface
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
