package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// Explicit type arguments for generic calls that yaegi v0.16.1 cannot
// infer: a type parameter bound only through a variadic parameter
// (cmp.Or(a, b), Sum(1, 2, 3) for func Sum[T Num](xs ...T)) or through a
// parameter of func type (slices.Collect(seq)), and a type parameter bound
// by untyped constants only (Add(1.5, 2) for func Add[T Num](a, b T),
// which yaegi rejects with "untyped float does not implement Num"). The
// rewriter adds the type arguments that Go would infer, f[T](...), when
// the argument types are evident (typeinfer.go).

// librarySigs are the generic functions of spinlab's slices, maps and
// cmp that need explicit type arguments (generics/*.go.txt).
var librarySigs = map[string]string{
	"cmp.Or":                  "func[T comparable](vals ...T) T",
	"cmp.Compare":             "func[T any](x, y T) int",
	"cmp.Less":                "func[T any](x, y T) bool",
	"slices.Collect":          "func[E any](seq func(func(E) bool)) []E",
	"slices.Sorted":           "func[E any](seq func(func(E) bool)) []E",
	"slices.SortedFunc":       "func[E any](seq func(func(E) bool), cmp func(E, E) int) []E",
	"slices.SortedStableFunc": "func[E any](seq func(func(E) bool), cmp func(E, E) int) []E",
	"slices.Concat":           "func[E any](ss ...[]E) []E",
	"maps.Collect":            "func[K comparable, V any](seq func(func(K, V) bool)) map[K]V",
	"errors.As":               "func[T any](err error, target *T) bool",
	"errors.AsType":           "func[E any](err error) (E, bool)",
	"iter.Pull":               "func[V any](seq func(func(V) bool)) (func() (V, bool), func())",
	"iter.Pull2":              "func[K, V any](seq func(func(K, V) bool)) (func() (K, V, bool), func())",
	"sync.OnceValue":          "func[T any](f func() T) func() T",
	"sync.OnceValues":         "func[T1, T2 any](f func() (T1, T2)) func() (T1, T2)",
}

// genericSig returns the signature of the generic function a call names.
func (r *rewriter) genericSig(fun ast.Expr) (funcType, bool) {
	switch f := fun.(type) {
	case *ast.Ident:
		ft, ok := r.funcSignature(f.Name)
		if !ok || ft.ft.TypeParams == nil {
			return funcType{}, false
		}
		return ft, true
	case *ast.SelectorExpr:
		pkg, ok := f.X.(*ast.Ident)
		if !ok || !r.isPackage(pkg.Name) {
			return funcType{}, false
		}
		sig, ok := librarySigs[pkg.Name+"."+f.Sel.Name]
		if !ok {
			return funcType{}, false
		}
		src := "package p\nfunc f" + strings.TrimPrefix(sig, "func")
		file, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
		if err != nil {
			return funcType{}, false
		}
		fd := file.Decls[0].(*ast.FuncDecl)
		return funcType{fd.Type, src, int(file.FileStart)}, true
	}
	return funcType{}, false
}

// typeBinding is what one type parameter is bound to.
type typeBinding struct {
	typ     string
	untyped bool // bound by untyped constants only
}

// instantiate adds explicit type arguments to a generic call that needs
// them; it reports whether it did.
func (r *rewriter) instantiate(u *unit, call *ast.CallExpr) bool {
	fun := call.Fun
	var explicit []ast.Expr
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun, explicit = f.X, []ast.Expr{f.Index}
	case *ast.IndexListExpr:
		fun, explicit = f.X, f.Indices
	}
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		if pkg, ok := sel.X.(*ast.Ident); ok && r.isPackage(pkg.Name) {
			if name, ok := libraryName(pkg.Name, sel.Sel.Name); ok {
				u.edit(u.offset(sel.Sel.Pos()), u.offset(sel.Sel.End()), name)
			} else if name, ok := mainFuncs[pkg.Name+"."+sel.Sel.Name]; ok {
				if r.typedIs[call] {
					name = IsFunc // the target's own type decides (ifaceeq.go)
				}
				u.edit(u.offset(sel.Pos()), u.offset(sel.End()), name)
			}
		}
	}
	sig, ok := r.genericSig(fun)
	if !ok {
		if explicit == nil {
			r.wrapLibraryDefine(u, call)
		}
		return false
	}
	var tparams []string
	for _, f := range sig.ft.TypeParams.List {
		for _, n := range f.Names {
			tparams = append(tparams, n.Name)
		}
	}
	if explicit != nil {
		if len(explicit) != len(tparams) || !r.topDefine(u, call) {
			return false
		}
		bind := map[string]typeBinding{}
		for i, p := range tparams {
			bind[p] = typeBinding{typ: u.src[u.offset(explicit[i].Pos()):u.offset(explicit[i].End())]}
		}
		r.wrapDefine(u, call, substituteResult(sig, bind))
		return false
	}
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	bind, needed, failed := r.bindTypeArgs(sig, tparams, call, text)
	if failed {
		return false
	}
	if msg := r.checkConstraints(sig, bind, text); msg != "" {
		// Go rejects the call when it compiles; here it panics when it runs.
		res := substituteResult(sig, bind)
		if strings.HasPrefix(res, "(") || res == "" {
			res = strings.TrimSuffix(strings.TrimPrefix(res, "("), ")")
			if res != "" {
				res = "(" + res + ")"
			}
		}
		u.dropEdits(u.offset(call.Pos()), u.offset(call.End()))
		u.edit(u.offset(call.Pos()), u.offset(call.End()), "func() "+res+" { panic("+strconv.Quote(msg)+") }()")
		return false
	}
	args := make([]string, len(tparams))
	for i, p := range tparams {
		b, ok := bind[p]
		if !ok {
			return false
		}
		args[i] = b.typ
	}
	if needed {
		end := u.offset(call.Fun.End())
		u.edit(end, end, "["+strings.Join(args, ", ")+"]")
	}
	if r.topDefine(u, call) {
		r.wrapDefine(u, call, substituteResult(sig, bind))
	}
	return needed
}

// bindTypeArgs infers the type parameters of a generic call from the
// types of its arguments that the cell shows, as Go's inference does for
// the cases that matter here. needed reports a binding yaegi v0.16.1
// cannot make itself (through a func-typed or variadic parameter, or from
// untyped constants only); failed, a conflict or an argument list that
// does not fit.
func (r *rewriter) bindTypeArgs(sig funcType, tparams []string, call *ast.CallExpr, text func(ast.Node) string) (bind map[string]typeBinding, needed, failed bool) {
	isParam := map[string]bool{}
	for _, p := range tparams {
		isParam[p] = true
	}
	bind = map[string]typeBinding{}
	var unify func(p ast.Expr, a ast.Expr, atext func(ast.Node) string, untyped, direct bool)
	unify = func(p ast.Expr, a ast.Expr, atext func(ast.Node) string, untyped, direct bool) {
		switch p := p.(type) {
		case *ast.Ident:
			if !isParam[p.Name] {
				return
			}
			if !direct || untyped {
				needed = true
			}
			t := atext(a)
			old, seen := bind[p.Name]
			switch {
			case !seen:
				bind[p.Name] = typeBinding{t, untyped}
			case old.untyped && !untyped:
				bind[p.Name] = typeBinding{t, false}
			case old.untyped && untyped:
				bind[p.Name] = typeBinding{widerConst(old.typ, t), true}
			case !untyped && old.typ != t:
				failed = true
			}
		case *ast.ArrayType:
			if at, ok := a.(*ast.ArrayType); ok && (p.Len == nil) == (at.Len == nil) {
				unify(p.Elt, at.Elt, atext, false, direct)
			}
		case *ast.StarExpr:
			if at, ok := a.(*ast.StarExpr); ok {
				unify(p.X, at.X, atext, false, direct)
			}
		case *ast.MapType:
			if at, ok := a.(*ast.MapType); ok {
				unify(p.Key, at.Key, atext, false, direct)
				unify(p.Value, at.Value, atext, false, direct)
			}
		case *ast.ChanType:
			if at, ok := a.(*ast.ChanType); ok {
				unify(p.Value, at.Value, atext, false, direct)
			}
		case *ast.IndexExpr, *ast.IndexListExpr:
			// An instance of a generic type: Pair[K, V] against Pair[string, int].
			pb, pi := typeInstance(p)
			ab, ai := typeInstance(a)
			pid, ok1 := pb.(*ast.Ident)
			aid, ok2 := ab.(*ast.Ident)
			if !ok1 || !ok2 || pid.Name != aid.Name || len(pi) != len(ai) {
				return
			}
			// yaegi v0.16.1 does not infer through a generic type's
			// arguments ("undefined type for V"): not direct.
			for i := range pi {
				unify(pi[i], ai[i], atext, false, false)
			}
		case *ast.FuncType:
			at, ok := a.(*ast.FuncType)
			if !ok {
				return
			}
			pp, ap := fieldTypes(p.Params), fieldTypes(at.Params)
			pr, ar := fieldTypes(p.Results), fieldTypes(at.Results)
			if len(pp) != len(ap) || len(pr) != len(ar) {
				return
			}
			for i := range pp {
				unify(pp[i], ap[i], atext, false, false)
			}
			for i := range pr {
				unify(pr[i], ar[i], atext, false, false)
			}
		}
	}
	params := fieldTypes(sig.ft.Params)
	for i, a := range call.Args {
		var p ast.Expr
		variadic := false
		switch {
		case i < len(params)-1:
			p = params[i]
		case len(params) > 0:
			p = params[len(params)-1]
			if e, ok := p.(*ast.Ellipsis); ok {
				variadic = true
				p = e.Elt
				if call.Ellipsis.IsValid() {
					p = &ast.ArrayType{Elt: e.Elt}
				}
			} else if i >= len(params) {
				return bind, needed, true
			}
		default:
			return bind, needed, true
		}
		t, untyped := r.exprType(a, text)
		if id, ok := a.(*ast.Ident); ok && t == "" {
			t = r.scopedType(id, text)
		}
		if t == "" {
			if _, isLit := a.(*ast.FuncLit); isLit {
				t = text(a.(*ast.FuncLit).Type)
			} else {
				continue
			}
		}
		at, err := parser.ParseExpr(t)
		if err != nil {
			continue
		}
		atext := func(n ast.Node) string { return t[n.Pos()-1 : n.End()-1] }
		unify(p, at, atext, untyped, !variadic)
	}
	return bind, needed, failed
}

// typeInstance splits an instantiated generic type into its generic type
// and its type arguments.
func typeInstance(x ast.Expr) (ast.Expr, []ast.Expr) {
	switch x := x.(type) {
	case *ast.IndexExpr:
		return x.X, []ast.Expr{x.Index}
	case *ast.IndexListExpr:
		return x.X, x.Indices
	}
	return x, nil
}

// genericCallType is the result type of a call of a generic function of
// the session or the cell whose type arguments its arguments show, or "".
func (r *rewriter) genericCallType(call *ast.CallExpr, text func(ast.Node) string) string {
	sig, ok := r.genericSig(call.Fun)
	if !ok || sig.ft.Results == nil || len(fieldTypes(sig.ft.Results)) != 1 {
		return ""
	}
	var tparams []string
	for _, f := range sig.ft.TypeParams.List {
		for _, n := range f.Names {
			tparams = append(tparams, n.Name)
		}
	}
	bind, _, failed := r.bindTypeArgs(sig, tparams, call, text)
	if failed {
		return ""
	}
	for _, p := range tparams {
		if b, ok := bind[p]; !ok || b.untyped {
			return ""
		}
	}
	return substituteResult(sig, bind)
}

// wrapDefine moves a generic call that defines cell-level variables into
// a function literal returning res: yaegi v0.16.1 cannot type a
// cell-level variable defined by a generic call (x := slices.Clone(s)),
// but it can inside a function.
func (r *rewriter) wrapDefine(u *unit, call ast.Expr, res string) {
	if res == "" {
		return
	}
	u.edit(u.offset(call.Pos()), u.offset(call.Pos()), "func() "+res+" { return ")
	u.edit(u.offset(call.End()), u.offset(call.End()), " }()")
}

// substituteResult is the single result type of a generic signature with
// its type parameters replaced by their bindings, or "".
func substituteResult(sig funcType, bind map[string]typeBinding) string {
	res := fieldTypes(sig.ft.Results)
	type repl struct {
		off, end int
		text     string
	}
	var types []string
	for _, t := range res {
		var rs []repl
		ast.Inspect(t, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if b, ok := bind[id.Name]; ok {
					rs = append(rs, repl{int(id.Pos()) - sig.off, int(id.End()) - sig.off, b.typ})
				}
			}
			return true
		})
		from, to := int(t.Pos())-sig.off, int(t.End())-sig.off
		out := ""
		at := from
		for _, x := range rs {
			out += sig.src[at:x.off] + x.text
			at = x.end
		}
		types = append(types, out+sig.src[at:to])
	}
	switch len(types) {
	case 0:
		return ""
	case 1:
		return types[0]
	}
	return "(" + strings.Join(types, ", ") + ")"
}

// wrapLibraryDefine moves a call of a generic function of slices, maps
// or cmp that defines a cell-level variable into a function literal, with
// the result type the arguments give (see instantiate).
func (r *rewriter) wrapLibraryDefine(u *unit, call *ast.CallExpr) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || !r.topDefine(u, call) {
		return
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || !r.isPackage(pkg.Name) || pkg.Name != "slices" && pkg.Name != "maps" && pkg.Name != "cmp" {
		return
	}
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	r.wrapDefine(u, call, r.callType(call, text))
}

// topDefine reports a call that is the whole value of a cell-level
// variable declaration (x := f(), a, b := f(), var x T = f()).
func (r *rewriter) topDefine(u *unit, call *ast.CallExpr) bool {
	isValue := func(specs []ast.Spec) bool {
		for _, sp := range specs {
			if vs, ok := sp.(*ast.ValueSpec); ok && len(vs.Values) == 1 && vs.Values[0] == call {
				return true
			}
		}
		return false
	}
	for _, st := range u.stmts {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE && len(st.Rhs) == 1 && st.Rhs[0] == call {
				return true
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR && isValue(gd.Specs) {
				return true
			}
		}
	}
	for _, d := range u.file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR && isValue(gd.Specs) {
			return true
		}
	}
	return false
}

// isPackage reports a name that refers to an imported package (or that
// nothing else declares).
func (r *rewriter) isPackage(name string) bool {
	if _, ok := r.funcs[name]; ok {
		return false
	}
	if _, ok := r.varTypes[name]; ok {
		return false
	}
	if _, ok := r.globals[name]; ok {
		return false
	}
	d, ok := r.s.definition(name)
	return !ok || d.Kind == kindImport
}

// fieldTypes lists the type of each parameter of a field list, one per name.
func fieldTypes(fl *ast.FieldList) []ast.Expr {
	if fl == nil {
		return nil
	}
	var out []ast.Expr
	for _, f := range fl.List {
		n := max(1, len(f.Names))
		for range n {
			out = append(out, f.Type)
		}
	}
	return out
}

// topVarInits rewrites the package-level variable declarations of a
// declaration unit whose values read variables: yaegi v0.16.1 cannot
// initialize a package-level variable from a variable of an earlier
// evaluation (a session variable, or one a top-level statement of the
// cell defined: "variable definition loop"). The variable is declared
// with its type, and assigned in an init function of the same evaluation,
// which yaegi runs after the declarations, in the order of the cell, as Go
// runs a package's initialization:
//
//	var m int = max(n, scale)  →  var m int; func init() { m = max(n, scale) }
//
// A declaration whose type the session cannot tell is left alone (yaegi's
// error says what to do). It runs after the unit's other rewrites: the
// values move with their edits.
func (r *rewriter) topVarInits(u *unit) {
	if !u.isDecl() {
		return
	}
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	for _, d := range u.file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		var inits []string
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			if len(vs.Values) == 0 || len(vs.Values) != len(vs.Names) || !r.readsVariables(vs.Values) {
				continue
			}
			typ := ""
			if vs.Type == nil {
				for _, v := range vs.Values {
					t, _ := r.exprType(v, text)
					if t == "" || strings.HasPrefix(t, "(") || typ != "" && t != typ {
						typ = ""
						break
					}
					typ = t
				}
				if typ == "" {
					continue
				}
			}
			var names, values []string
			for i, id := range vs.Names {
				names = append(names, id.Name)
				from, to := u.offset(vs.Values[i].Pos()), u.offset(vs.Values[i].End())
				values = append(values, u.apply(from, to))
				u.dropEdits(from, to)
			}
			inits = append(inits, "func init() { "+strings.Join(names, ", ")+" = "+strings.Join(values, ", ")+" }")
			for _, n := range names {
				r.initVars[n] = true
			}
			last := vs.Values[len(vs.Values)-1]
			if vs.Type != nil {
				u.edit(u.offset(vs.Type.End()), u.offset(last.End()), "")
			} else {
				u.edit(u.offset(vs.Names[len(vs.Names)-1].End()), u.offset(last.End()), " "+typ)
			}
		}
		if len(inits) > 0 {
			end := u.offset(gd.End())
			u.edit(end, end, "\n"+strings.Join(inits, "\n"))
		}
	}
}

// readsVariables reports values that name a variable of the session or of
// the cell's top level (or a name the session cannot tell apart from one).
func (r *rewriter) readsVariables(values []ast.Expr) bool {
	found := false
	for _, v := range values {
		ast.Inspect(v, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				ast.Inspect(n.X, func(m ast.Node) bool {
					if id, ok := m.(*ast.Ident); ok && r.isVariable(id.Name) {
						found = true
					}
					return !found
				})
				return false
			case *ast.Ident:
				found = found || r.isVariable(n.Name)
			}
			return !found
		})
	}
	return found
}

// isVariable reports a variable of an earlier evaluation: the session's,
// one a top-level statement of the cell defines, or one of the cell's
// declarations that topVarInits rewrote (its value is assigned in an init
// function, after the plain declarations of its evaluation).
func (r *rewriter) isVariable(name string) bool {
	if r.initVars[name] || r.stmtVars[name] {
		return true
	}
	if r.declNames[name] {
		return false // the cell's own declaration of it
	}
	d, ok := r.s.definition(name)
	return ok && d.Kind == kindVar
}
