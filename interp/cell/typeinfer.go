package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"

	"github.com/spinlab/spinlab/interp/symbols"
)

// A best-effort static typing of expressions, by their text: what yaegi
// v0.16.1 cannot infer (a type argument bound only through a variadic
// parameter or a parameter of func type, the element type of an iterator
// function value) the rewriter states explicitly when the types of the
// arguments are evident from literals, conversions, declarations in the
// cell, or the values of session variables. When a type is not evident,
// the rewriter leaves the code alone and yaegi's error stands.

// exprType returns the Go type of e as source text, or "" when unknown.
// untyped reports an untyped constant (its default type is returned).
func (r *rewriter) exprType(e ast.Expr, text func(ast.Node) string) (typ string, untyped bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return "int", true
		case token.FLOAT:
			return "float64", true
		case token.IMAG:
			return "complex128", true
		case token.CHAR:
			return "rune", true
		case token.STRING:
			return "string", true
		}
	case *ast.ParenExpr:
		return r.exprType(e.X, text)
	case *ast.CompositeLit:
		if e.Type != nil {
			return text(e.Type), false
		}
	case *ast.UnaryExpr:
		switch e.Op {
		case token.AND:
			if t, _ := r.exprType(e.X, text); t != "" {
				return "*" + t, false
			}
		case token.SUB, token.ADD, token.XOR:
			return r.exprType(e.X, text)
		case token.NOT:
			return "bool", false
		case token.ARROW:
			if t, _ := r.exprType(e.X, text); strings.HasPrefix(t, "chan ") {
				return strings.TrimPrefix(t, "chan "), false
			}
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR:
			return "bool", false
		case token.SHL, token.SHR:
			return r.exprType(e.X, text)
		}
		x, ux := r.exprType(e.X, text)
		y, uy := r.exprType(e.Y, text)
		switch {
		case x == "" || y == "":
			return "", false
		case ux && uy:
			return widerConst(x, y), true
		case ux:
			return y, false
		}
		return x, false
	case *ast.Ident:
		switch e.Name {
		case "true", "false":
			if !r.shadowed(e.Name) {
				return "bool", true
			}
		}
		if t, ok := r.varTypes[e.Name]; ok {
			return t, false
		}
		if _, ok := r.globals[e.Name]; ok {
			// A session constant: reflection gives its value's type, not
			// whether it is untyped.
			if d, ok := r.s.constDefinition(e.Name); ok {
				return r.constType(d.Source, e.Name)
			}
		}
		if v, ok := r.globals[e.Name]; ok {
			// The declared type of a session variable ("var cs []Color",
			// "var low = level(1)") names the session's types, which
			// reflection does not.
			if d, ok := r.s.definition(e.Name); ok && d.Kind == kindVar {
				if t := r.definedVarType(d.Source, e.Name); t != "" {
					return t, false
				}
			}
			if v.IsValid() {
				return r.s.sourceType(v.Type()), false
			}
		}
	case *ast.IndexExpr:
		t, _ := r.exprType(e.X, text)
		if rest, ok := strings.CutPrefix(t, "[]"); ok {
			return rest, false
		}
		if strings.HasPrefix(t, "map[") {
			if _, v, ok := splitMapType(t); ok {
				return v, false
			}
		}
	case *ast.CallExpr:
		if r.isMinMax(e) {
			if t, untyped, _ := r.minMaxType(e, text); untyped {
				return t, true
			}
		}
		return r.callType(e, text), false
	case *ast.SelectorExpr:
		if t := r.fieldType(e, text); t != "" {
			return t, false
		}
		// A function of a compiled package, as a value: strconv.Itoa.
		pkg, ok := e.X.(*ast.Ident)
		if !ok || !r.isPackage(pkg.Name) {
			return "", false
		}
		path := packagePath(r.defs, pkg.Name)
		if path == "" {
			return "", false
		}
		if v, ok := symbols.Table(symbolKey(path))[e.Sel.Name]; ok && v.IsValid() && v.Kind() == reflect.Func {
			return r.s.sourceType(v.Type()), false
		}
	case *ast.FuncLit:
		return text(e.Type), false
	case *ast.TypeAssertExpr:
		if e.Type != nil {
			return text(e.Type), false
		}
	}
	return "", false
}

// fieldType types x.f, a field that a session struct type declares
// (promoted fields are not followed).
func (r *rewriter) fieldType(e *ast.SelectorExpr, text func(ast.Node) string) string {
	if id, ok := e.X.(*ast.Ident); ok && r.isPackage(id.Name) && r.varTypes[id.Name] == "" {
		return ""
	}
	t, _ := r.exprType(e.X, text)
	t = strings.TrimPrefix(t, "*")
	ts := r.sessionTypeSpecs()[t]
	if ts == nil || ts.TypeParams != nil || ts.Assign.IsValid() {
		return ""
	}
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return ""
	}
	for _, f := range st.Fields.List {
		for _, id := range f.Names {
			if id.Name == e.Sel.Name {
				return types.ExprString(f.Type)
			}
		}
	}
	return ""
}

// widerConst is the default type of an expression of two untyped
// constants: the later kind of rune, int, float64, complex128.
func widerConst(a, b string) string {
	rank := map[string]int{"rune": 1, "int": 2, "float64": 3, "complex128": 4}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// callType types conversions, make, new, calls of functions of the cell
// or session, and the iterator functions of slices and maps.
func (r *rewriter) callType(e *ast.CallExpr, text func(ast.Node) string) string {
	switch f := e.Fun.(type) {
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType:
		return text(f)
	case *ast.FuncLit:
		// func() level { ... }(): its one result's type
		if rs := f.Type.Results; f.Type.TypeParams == nil && rs != nil && len(rs.List) == 1 && len(rs.List[0].Names) <= 1 {
			return text(rs.List[0].Type)
		}
	case *ast.ParenExpr:
		if _, ok := f.X.(*ast.StarExpr); ok {
			return text(f.X)
		}
	case *ast.Ident:
		if r.shadowed(f.Name) && !r.declaredType(f.Name) {
			if t := r.namedResult(f.Name); t != "" {
				return strings.Trim(t, "()")
			}
			if ft, ok := r.funcs[f.Name]; ok && ft.ft.TypeParams == nil && ft.ft.Results != nil && len(ft.ft.Results.List) == 1 && len(ft.ft.Results.List[0].Names) <= 1 {
				return ft.text(ft.ft.Results.List[0].Type)
			}
			if t := r.genericCallType(e, text); t != "" {
				return t
			}
			if d, ok := r.s.definition(f.Name); ok && d.Kind == kindFunc && !strings.Contains(d.Source[:strings.Index(d.Source+"(", "(")], "[") {
				return r.s.resultType(f.Name)
			}
			return ""
		}
		switch {
		case f.Name == "make" || f.Name == "new":
			if len(e.Args) > 0 {
				t := text(e.Args[0])
				if f.Name == "new" {
					t = "*" + t
				}
				return t
			}
		case intTypes[f.Name] || f.Name == "float64" || f.Name == "float32" || f.Name == "string" || f.Name == "bool" || f.Name == "complex128":
			return f.Name
		case r.declaredType(f.Name):
			return f.Name
		case f.Name == "len" || f.Name == "cap":
			return "int"
		case f.Name == "min" || f.Name == "max":
			if t, untyped, _ := r.minMaxType(e, text); !untyped {
				return t
			}
		case f.Name == "append" && len(e.Args) > 0:
			t, _ := r.exprType(e.Args[0], text)
			return t
		}
	case *ast.SelectorExpr:
		pkg, ok := f.X.(*ast.Ident)
		if !ok || !r.isPackage(pkg.Name) || r.varTypes[pkg.Name] != "" {
			// A method of a session type with one result: d.Next() is a
			// Weekday, printed through its String as Go prints it.
			if t, _ := r.exprType(f.X, text); t != "" && !strings.Contains(t, "[") {
				if m, ok := r.methods[strings.TrimPrefix(t, "*")+"."+f.Sel.Name]; ok {
					if rs := m.sig.ft.Results; rs != nil && len(rs.List) == 1 && len(rs.List[0].Names) <= 1 {
						return m.sig.text(rs.List[0].Type)
					}
				}
			}
			return ""
		}
		if len(e.Args) == 0 {
			return r.compiledResult(pkg.Name, f.Sel.Name)
		}
		arg, _ := r.exprType(e.Args[0], text)
		switch pkg.Name + "." + f.Sel.Name {
		case "slices.Values":
			if el, ok := strings.CutPrefix(arg, "[]"); ok {
				return "func(func(" + el + ") bool)"
			}
		case "slices.All", "slices.Backward":
			if el, ok := strings.CutPrefix(arg, "[]"); ok {
				return "func(func(int, " + el + ") bool)"
			}
		case "maps.Keys", "maps.Values", "maps.All":
			k, v, ok := splitMapType(arg)
			if !ok {
				return ""
			}
			switch f.Sel.Name {
			case "Keys":
				return "func(func(" + k + ") bool)"
			case "Values":
				return "func(func(" + v + ") bool)"
			}
			return "func(func(" + k + ", " + v + ") bool)"
		case "slices.Collect", "slices.Sorted", "slices.SortedFunc", "slices.SortedStableFunc":
			if ps := yieldTypes(arg); len(ps) == 1 {
				return "[]" + ps[0]
			}
		case "slices.Clone", "slices.Compact", "slices.Insert", "slices.Delete", "slices.Grow", "slices.Clip":
			if strings.HasPrefix(arg, "[]") {
				return arg
			}
		case "slices.Max", "slices.Min", "slices.MaxFunc", "slices.MinFunc":
			if el, ok := strings.CutPrefix(arg, "[]"); ok {
				return el
			}
		case "slices.Index", "slices.IndexFunc", "slices.Compare", "slices.CompareFunc", "cmp.Compare":
			return "int"
		case "slices.Contains", "slices.ContainsFunc", "slices.Equal", "slices.EqualFunc", "slices.IsSorted",
			"slices.IsSortedFunc", "maps.Equal", "maps.EqualFunc", "cmp.Less":
			return "bool"
		case "slices.BinarySearch", "slices.BinarySearchFunc":
			return "(int, bool)"
		case "slices.Concat", "slices.Repeat", "slices.Replace", "slices.DeleteFunc", "slices.CompactFunc", "slices.AppendSeq":
			if strings.HasPrefix(arg, "[]") {
				return arg
			}
		case "slices.Chunk":
			if strings.HasPrefix(arg, "[]") {
				return "func(func(" + arg + ") bool)"
			}
		case "maps.Clone":
			if strings.HasPrefix(arg, "map[") {
				return arg
			}
		case "maps.Collect":
			if ps := yieldTypes(arg); len(ps) == 2 {
				return "map[" + ps[0] + "]" + ps[1]
			}
		case "strings.Fields", "strings.Split":
			return "[]string"
		}
		return r.compiledResult(pkg.Name, f.Sel.Name)
	}
	return ""
}

// compiledResult types the call of a function of a compiled package with
// one result (fmt.Sprint: string).
func (r *rewriter) compiledResult(pkg, name string) string {
	path := packagePath(r.defs, pkg)
	if path == "" {
		return ""
	}
	v, ok := symbols.Table(symbolKey(path))[name]
	if !ok || !v.IsValid() || v.Kind() != reflect.Func || v.Type().NumOut() != 1 {
		return ""
	}
	// Only a type the cell can write: predeclared, or of the package
	// itself under its own name.
	if t := v.Type().Out(0); writable(t, path, pkg, map[reflect.Type]bool{}) {
		return r.s.sourceType(t)
	}
	return ""
}

// splitMapType splits "map[K]V" into K and V.
func splitMapType(t string) (k, v string, ok bool) {
	e, err := parser.ParseExpr(t)
	if err != nil {
		return "", "", false
	}
	m, isMap := e.(*ast.MapType)
	if !isMap {
		return "", "", false
	}
	return t[m.Key.Pos()-1 : m.Key.End()-1], t[m.Value.Pos()-1 : m.Value.End()-1], true
}

// yieldTypes returns the yield parameter types of an iterator type
// "func(func(A[, B]) bool)" (or iter.Seq[A], iter.Seq2[A, B]).
func yieldTypes(t string) []string {
	e, err := parser.ParseExpr(t)
	if err != nil {
		return nil
	}
	src := func(n ast.Node) string { return t[n.Pos()-1 : n.End()-1] }
	switch x := e.(type) {
	case *ast.FuncType:
		return seqParams(funcType{x, t, 1}, x)
	case *ast.IndexExpr:
		if isIterSeq(x.X, "Seq") {
			return []string{src(x.Index)}
		}
	case *ast.IndexListExpr:
		if isIterSeq(x.X, "Seq2") && len(x.Indices) == 2 {
			return []string{src(x.Indices[0]), src(x.Indices[1])}
		}
	}
	return nil
}

func isIterSeq(e ast.Expr, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "iter" && sel.Sel.Name == name
}

// inferVarTypes learns the types of the names a cell declares (x := e,
// var x T, var x = e, and function parameters), by name: a later
// declaration of the same name with another type makes it unknown.
func (r *rewriter) inferVarTypes(units []*unit) {
	r.varTypes = map[string]string{}
	conflict := map[string]bool{}
	set := func(name, t string) {
		if name == "_" || conflict[name] {
			return
		}
		if old, ok := r.varTypes[name]; ok && old != t || t == "" {
			delete(r.varTypes, name)
			conflict[name] = true
			return
		}
		r.varTypes[name] = t
	}
	for _, u := range units {
		text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
		valueSpec := func(n *ast.ValueSpec) {
			for i, id := range n.Names {
				switch {
				case n.Type != nil:
					set(id.Name, text(n.Type))
				case len(n.Values) == len(n.Names):
					t, _ := r.exprType(n.Values[i], text)
					set(id.Name, t)
				default:
					set(id.Name, "")
				}
			}
		}
		ast.Inspect(u.file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
					for i, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							t, _ := r.exprType(n.Rhs[i], text)
							set(id.Name, t)
						}
					}
				} else if n.Tok == token.DEFINE {
					for _, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							set(id.Name, "")
						}
					}
				}
			case *ast.GenDecl:
				if n.Tok != token.CONST {
					return true
				}
				// A spec without type and values repeats the last one's:
				// Monday after "Sunday Weekday = iota" is a Weekday.
				var last *ast.ValueSpec
				for _, sp := range n.Specs {
					vs := sp.(*ast.ValueSpec)
					if vs.Type == nil && len(vs.Values) == 0 && last != nil {
						vs = &ast.ValueSpec{Names: vs.Names, Type: last.Type, Values: last.Values}
					} else {
						last = vs
					}
					valueSpec(vs)
				}
				return false
			case *ast.ValueSpec:
				valueSpec(n)
			case *ast.Field:
				for _, id := range n.Names {
					if _, ok := n.Type.(*ast.Ellipsis); ok {
						set(id.Name, "")
						continue
					}
					set(id.Name, text(n.Type))
				}
			case *ast.RangeStmt:
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok && n.Tok == token.DEFINE {
						set(id.Name, "")
					}
				}
			}
			return true
		})
	}
}

// sourceType renders a reflect type as source a cell can use: an
// interpreted struct type by its declared name.
func (v *view) sourceType(t reflect.Type) string {
	var render func(t reflect.Type) string
	render = func(t reflect.Type) string {
		if t.Kind() == reflect.Struct && t.Name() == "" {
			return v.sc.TypeName(t)
		}
		if t.Name() != "" {
			if t.PkgPath() == "" {
				return t.Name()
			}
			return t.String()
		}
		var el string
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
			if el = render(t.Elem()); el == "" {
				return ""
			}
		}
		switch t.Kind() {
		case reflect.Pointer:
			return "*" + el
		case reflect.Slice:
			return "[]" + el
		case reflect.Array:
			return "[" + strconv.Itoa(t.Len()) + "]" + el
		case reflect.Chan:
			return "chan " + el
		case reflect.Map:
			k, v := render(t.Key()), render(t.Elem())
			if k == "" || v == "" {
				return ""
			}
			return "map[" + k + "]" + v
		case reflect.Func:
			if t.IsVariadic() {
				return ""
			}
			var in, out []string
			for i := 0; i < t.NumIn(); i++ {
				p := render(t.In(i))
				if p == "" {
					return ""
				}
				in = append(in, p)
			}
			for i := 0; i < t.NumOut(); i++ {
				p := render(t.Out(i))
				if p == "" {
					return ""
				}
				out = append(out, p)
			}
			s := "func(" + strings.Join(in, ", ") + ")"
			switch len(out) {
			case 0:
			case 1:
				s += " " + out[0]
			default:
				s += " (" + strings.Join(out, ", ") + ")"
			}
			return s
		case reflect.Interface:
			if t.NumMethod() == 0 {
				return "any"
			}
		}
		return ""
	}
	return render(t)
}

// constType types a session constant from its declaration ("const scale
// = 3", "const f float64 = 2"): its declared type, or the default type of
// its untyped value.
func (r *rewriter) constType(source, name string) (typ string, untyped bool) {
	src := "package p\n" + source
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return "", false
	}
	text := func(n ast.Node) string { return src[int(n.Pos())-1 : int(n.End())-1] }
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		var last *ast.ValueSpec
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			if vs.Type == nil && len(vs.Values) == 0 && last != nil {
				// An implicit repetition of the last expression list and
				// its type: Monday after "Sunday Weekday = iota".
				vs = &ast.ValueSpec{Names: vs.Names, Type: last.Type, Values: last.Values}
			} else {
				last = vs
			}
			for i, id := range vs.Names {
				if id.Name != name {
					continue
				}
				if vs.Type != nil {
					return text(vs.Type), false
				}
				if i < len(vs.Values) {
					if _, isIdent := vs.Values[i].(*ast.Ident); isIdent {
						return "", false // another constant: its type may be the session's
					}
					return r.exprType(vs.Values[i], text)
				}
			}
		}
	}
	return "", false
}

// scopedVarTypes returns the cell's variable types (varTypes) as they
// stand at node at of file: the parameters and the declarations of the
// functions, blocks and statements that enclose it, before it, take
// their place, in order, so that a name a function declares twice, or
// that another function declares otherwise, has the type that holds
// there. A declaration whose type is not evident makes its name unknown
// ("") there, rather than the session variable of that name.
func (r *rewriter) scopedVarTypes(file *ast.File, at ast.Node, text func(ast.Node) string) map[string]string {
	var path []ast.Node
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil || path != nil && path[len(path)-1] == at {
			return false
		}
		if n.Pos() <= at.Pos() && at.End() <= n.End() {
			path = append(path, n)
			return n != at
		}
		return false
	})
	saved := r.varTypes
	defer func() { r.varTypes = saved }()
	scoped := map[string]string{}
	for name, t := range saved {
		scoped[name] = t
	}
	r.varTypes = scoped
	fields := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			t := text(f.Type)
			if e, ok := f.Type.(*ast.Ellipsis); ok {
				t = "[]" + text(e.Elt)
			}
			for _, id := range f.Names {
				scoped[id.Name] = t
			}
		}
	}
	declare := func(st ast.Stmt) {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE {
				return
			}
			types := make([]string, len(st.Lhs))
			if len(st.Lhs) == len(st.Rhs) {
				for i, e := range st.Rhs {
					types[i], _ = r.exprType(e, text)
				}
			}
			for i, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					scoped[id.Name] = types[i]
				}
			}
		case *ast.DeclStmt:
			gd, ok := st.Decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				return
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, id := range vs.Names {
					t := ""
					switch {
					case vs.Type != nil:
						t = text(vs.Type)
					case len(vs.Values) == len(vs.Names):
						t, _ = r.exprType(vs.Values[i], text)
					}
					scoped[id.Name] = t
				}
			}
		}
	}
	before := func(list []ast.Stmt, child ast.Node) {
		for _, st := range list {
			if st == child {
				return
			}
			declare(st)
		}
	}
	for i, n := range path {
		var child ast.Node
		if i+1 < len(path) {
			child = path[i+1]
		}
		switch n := n.(type) {
		case *ast.FuncDecl:
			fields(n.Recv)
			fields(n.Type.Params)
			fields(n.Type.Results)
		case *ast.FuncLit:
			fields(n.Type.Params)
			fields(n.Type.Results)
		case *ast.BlockStmt:
			before(n.List, child)
		case *ast.CaseClause:
			before(n.Body, child)
		case *ast.CommClause:
			if as, ok := n.Comm.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						scoped[id.Name] = ""
					}
				}
			}
			before(n.Body, child)
		case *ast.IfStmt:
			if n.Init != nil && child != n.Init {
				declare(n.Init)
			}
		case *ast.SwitchStmt:
			if n.Init != nil && child != n.Init {
				declare(n.Init)
			}
		case *ast.TypeSwitchStmt:
			if n.Init != nil && child != n.Init {
				declare(n.Init)
			}
			if as, ok := n.Assign.(*ast.AssignStmt); ok && len(as.Lhs) == 1 {
				if id, ok := as.Lhs[0].(*ast.Ident); ok {
					scoped[id.Name] = ""
					for _, c := range n.Body.List {
						cc := c.(*ast.CaseClause)
						if len(cc.List) == 1 && cc.Pos() <= at.Pos() && at.End() <= cc.End() {
							if t := text(cc.List[0]); t != "nil" {
								scoped[id.Name] = t
							}
						}
					}
				}
			}
		case *ast.ForStmt:
			if n.Init != nil && child != n.Init {
				declare(n.Init)
			}
		case *ast.RangeStmt:
			if n.Tok != token.DEFINE || child != n.Body {
				break
			}
			k, v := r.rangeTypes(n.X, text)
			if id, ok := n.Key.(*ast.Ident); ok {
				scoped[id.Name] = k
			}
			if id, ok := n.Value.(*ast.Ident); ok {
				scoped[id.Name] = v
			}
		}
	}
	return scoped
}

// rangeTypes types the key and value of a range over x.
func (r *rewriter) rangeTypes(x ast.Expr, text func(ast.Node) string) (key, value string) {
	t, _ := r.exprType(x, text)
	switch {
	case intTypes[t]:
		return t, ""
	case t == "string":
		return "int", "rune"
	case strings.HasPrefix(t, "[]"):
		return "int", t[2:]
	case strings.HasPrefix(t, "map["):
		k, v, _ := splitMapType(t)
		return k, v
	case strings.HasPrefix(t, "chan "):
		return strings.TrimPrefix(t, "chan "), ""
	}
	if e, err := parser.ParseExpr(t); err == nil {
		if a, ok := e.(*ast.ArrayType); ok && a.Len != nil {
			return "int", t[a.Elt.Pos()-1:]
		}
	}
	return "", ""
}

// definedVarType returns the type of session variable name as its
// definition shows it: the declared type ("var c level = 2" is level; the
// text after the name was taken for the type, "level = 2"), or the type
// of its value where the value shows it ("var low = level(1)"), else "".
func (r *rewriter) definedVarType(src, name string) string {
	full := "package p\n" + src
	f, err := parser.ParseFile(token.NewFileSet(), "", full, parser.SkipObjectResolution)
	if err != nil {
		return ""
	}
	base := int(f.FileStart)
	text := func(n ast.Node) string { return full[int(n.Pos())-base : int(n.End())-base] }
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			for i, id := range vs.Names {
				if id.Name != name {
					continue
				}
				if vs.Type != nil {
					return text(vs.Type)
				}
				if len(vs.Values) != len(vs.Names) {
					return ""
				}
				saved := r.varTypes
				r.varTypes = map[string]string{}
				t, untyped := r.exprType(vs.Values[i], text)
				r.varTypes = saved
				if untyped {
					return ""
				}
				return t
			}
		}
	}
	return ""
}
