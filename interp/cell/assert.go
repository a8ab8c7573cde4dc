package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/spinlab/spinlab/interp/symbols"
)

// yaegi v0.16.1 asserts values of interpreted types to interfaces
// wrongly: v.(Shape), for an interface the session declares, panics
// ("reflect.Set: value of type interface {} is not assignable to type
// interp.valueInterface"), v.(error) and v.(fmt.Stringer) miss an
// interpreted type with the method (or crash on it), and a type switch
// that binds its variable misses interpreted types depending on how the
// value was boxed. A comma-ok assertion to a concrete type, x.(Rect), is
// right in every case. So the session asserts to an interface by trying
// the concrete types of the session that implement it, found from their
// source:
//
//	s, ok := v.(Shape)
//
// becomes (on one line)
//
//	s, ok := func(_spinlabX any) (Shape, bool) {
//		if _spinlabV, ok := _spinlabX.(Rect); ok { return _spinlabV, true }
//		if _spinlabV, ok := _spinlabX.(*Circle); ok { return _spinlabV, true }
//		return nil, false }(v)
//
// For a compiled interface (error, fmt.Stringer, io.Reader) the last line
// is yaegi's own assertion, which is right for compiled values and for
// session types that are not structs; a failed assertion without ok
// panics as Go's does. yaegi's x.(Label), for a type Label string, also
// holds for a plain string: an interface the session declares and such a
// type implements is asserted true for values of its underlying type too. A type switch with such cases
// becomes an expression switch over these assertions (typeswitch.go).

// implementers are the session's concrete types that implement an interface.
type implementers struct {
	types    []string // "Rect", "*Circle"
	others   []string // for a compiled interface: the session's types that have one of its methods' names but do not implement it
	compiled bool     // a compiled interface: yaegi's own assertion is the last resort
	name     string   // the interface as Go's panics name it: main.Shape
	methods  []string // its methods, sorted
}

// sigRe finds the spellings of one type that a signature may use.
var sigRe = regexp.MustCompile(`\b(byte|rune|any)\b|interface\{\}`)

// canonicalSig makes the signatures of source and reflection comparable.
func canonicalSig(s string) string {
	return sigRe.ReplaceAllStringFunc(s, func(w string) string {
		switch w {
		case "byte":
			return "uint8"
		case "rune":
			return "int32"
		}
		return "interface {}"
	})
}

// astSig renders a method's parameters and results: "(int, ...string) (T, error)".
func astSig(ft *ast.FuncType) string {
	list := func(fl *ast.FieldList) []string {
		var out []string
		if fl == nil {
			return out
		}
		for _, f := range fl.List {
			t := types.ExprString(f.Type)
			n := max(len(f.Names), 1)
			for range n {
				out = append(out, t)
			}
		}
		return out
	}
	return joinSig(list(ft.Params), list(ft.Results))
}

// reflectSig renders a compiled method's type as astSig does.
func reflectSig(t reflect.Type) string {
	var in, out []string
	for i := range t.NumIn() {
		if t.IsVariadic() && i == t.NumIn()-1 {
			in = append(in, "..."+t.In(i).Elem().String())
			continue
		}
		in = append(in, t.In(i).String())
	}
	for i := range t.NumOut() {
		out = append(out, t.Out(i).String())
	}
	return joinSig(in, out)
}

func joinSig(in, out []string) string {
	s := "(" + strings.Join(in, ", ") + ")"
	switch len(out) {
	case 0:
	case 1:
		s += " " + out[0]
	default:
		s += " (" + strings.Join(out, ", ") + ")"
	}
	return canonicalSig(s)
}

// sessionTypeSpecs parses the type declarations of the session and the
// cell (the cell's win), by name.
func (r *rewriter) sessionTypeSpecs() map[string]*ast.TypeSpec {
	if r.typeSpecs != nil {
		return r.typeSpecs
	}
	r.typeSpecs = map[string]*ast.TypeSpec{}
	add := func(name, src string) {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
		if err != nil || len(f.Decls) != 1 {
			return
		}
		if gd, ok := f.Decls[0].(*ast.GenDecl); ok && len(gd.Specs) == 1 {
			if ts, ok := gd.Specs[0].(*ast.TypeSpec); ok && ts.Name.Name == name {
				r.typeSpecs[name] = ts
			}
		}
	}
	for _, d := range r.defs {
		if d.Kind == kindType {
			if _, ok := r.cellTypes[d.Name]; !ok {
				add(d.Name, d.Source)
			}
		}
	}
	for name, src := range r.cellTypes {
		add(name, src)
	}
	return r.typeSpecs
}

// sessionType reports whether name is a type the session or the cell declares.
func (r *rewriter) sessionType(name string) bool {
	_, ok := r.sessionTypeSpecs()[name]
	return ok
}

// interfaceMethods returns the methods (name to canonical signature) of
// the interface type t, and whether it is compiled. ok is false when t is
// not an interface, or one the session cannot read (a type set, any).
func (r *rewriter) interfaceMethods(t ast.Expr, depth int) (ms map[string]string, compiled, ok bool) {
	if depth > 8 {
		return nil, false, false
	}
	switch t := t.(type) {
	case *ast.ParenExpr:
		return r.interfaceMethods(t.X, depth)
	case *ast.Ident:
		if ts, found := r.sessionTypeSpecs()[t.Name]; found {
			it, isIface := ts.Type.(*ast.InterfaceType)
			if !isIface || ts.TypeParams != nil || ts.Assign.IsValid() {
				return nil, false, false
			}
			ms, _, ok := r.interfaceLitMethods(it, depth)
			return ms, false, ok
		}
		if t.Name == "error" && !r.shadowed("error") {
			return map[string]string{"Error": "() string"}, true, true
		}
		return nil, false, false
	case *ast.SelectorExpr:
		pkg, isIdent := t.X.(*ast.Ident)
		if !isIdent || r.sessionType(pkg.Name) {
			return nil, false, false
		}
		path := packagePath(r.defs, pkg.Name)
		if path == "" {
			return nil, false, false
		}
		v, found := symbols.Table(symbolKey(path))[t.Sel.Name]
		if !found || symbolKind(v) != "type" {
			return nil, false, false
		}
		rt := v.Type().Elem()
		if rt.Kind() != reflect.Interface || rt.NumMethod() == 0 {
			return nil, false, false
		}
		ms := map[string]string{}
		for i := range rt.NumMethod() {
			m := rt.Method(i)
			ms[m.Name] = reflectSig(m.Type)
		}
		return ms, true, true
	case *ast.InterfaceType:
		ms, _, ok := r.interfaceLitMethods(t, depth)
		return ms, true, ok && len(ms) > 0
	}
	return nil, false, false
}

func (r *rewriter) interfaceLitMethods(it *ast.InterfaceType, depth int) (map[string]string, bool, bool) {
	ms := map[string]string{}
	for _, f := range it.Methods.List {
		if len(f.Names) == 0 {
			em, _, ok := r.interfaceMethods(f.Type, depth+1)
			if !ok {
				return nil, false, false
			}
			for n, s := range em {
				ms[n] = s
			}
			continue
		}
		ft, ok := f.Type.(*ast.FuncType)
		if !ok {
			return nil, false, false
		}
		for _, n := range f.Names {
			ms[n.Name] = astSig(ft)
		}
	}
	return ms, false, len(ms) > 0
}

// methodSet returns the methods of the session type name (or of *name),
// by name with canonical signatures: its own and those its embedded
// fields promote (of session types and interfaces; a compiled embedded
// type promotes nothing here, so its embedder is not listed).
func (r *rewriter) methodSet(name string, ptr bool, depth int) map[string]string {
	ms := map[string]string{}
	ts := r.sessionTypeSpecs()[name]
	if ts == nil || depth > 4 {
		return ms
	}
	if st, ok := ts.Type.(*ast.StructType); ok {
		for _, f := range st.Fields.List {
			if len(f.Names) != 0 {
				continue
			}
			et, eptr := f.Type, ptr
			if s, ok := et.(*ast.StarExpr); ok {
				et, eptr = s.X, true
			}
			id, ok := et.(*ast.Ident)
			if !ok {
				continue
			}
			promoted := r.methodSet(id.Name, eptr, depth+1)
			if ims, _, ok := r.interfaceMethods(id, 0); ok {
				promoted = ims
			}
			for n, s := range promoted {
				ms[n] = s
			}
		}
	}
	prefix := name + "."
	for key, m := range r.methods {
		if mname, ok := strings.CutPrefix(key, prefix); ok && (ptr || !m.ptr) {
			ms[mname] = astSig(m.sig.ft)
		}
	}
	return ms
}

// implementersOf returns the session's types that implement the
// interface written t, or ok false when t is not an interface the
// session reads.
func (r *rewriter) implementersOf(t ast.Expr) (impl implementers, ok bool) {
	want, compiled, ok := r.interfaceMethods(t, 0)
	if !ok {
		return impl, false
	}
	impl.compiled = compiled
	impl.name = types.ExprString(t)
	if id, isIdent := ast.Unparen(t).(*ast.Ident); isIdent && !compiled {
		impl.name = "main." + id.Name
	}
	for m := range want {
		impl.methods = append(impl.methods, m)
	}
	sort.Strings(impl.methods)
	specs := r.sessionTypeSpecs()
	var names []string
	for name, ts := range specs {
		if ts.TypeParams != nil || ts.Assign.IsValid() {
			continue
		}
		if _, isIface := ts.Type.(*ast.InterfaceType); isIface {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	implements := func(have map[string]string) bool {
		for m, sig := range want {
			if have[m] != sig {
				return false
			}
		}
		return true
	}
	// yaegi's own assertion to a compiled interface may take a value of
	// an interpreted type for one when its methods have the names (a
	// pointer method, for a value made by a composite literal argument).
	named := func(have map[string]string) bool {
		for m := range want {
			if _, ok := have[m]; ok {
				return true
			}
		}
		return false
	}
	for _, name := range names {
		if _, isStruct := specs[name].Type.(*ast.StructType); !isStruct && compiled {
			// yaegi v0.16.1 cannot tell a value of type Label string
			// from a string in x.(Label), but its own assertion to a
			// compiled interface gets such types right.
			continue
		}
		for _, ptr := range []bool{false, true} {
			t := name
			if ptr {
				t = "*" + name
			}
			switch have := r.methodSet(name, ptr, 0); {
			case implements(have):
				impl.types = append(impl.types, t)
			case compiled && named(r.methodSet(name, true, 0)):
				impl.others = append(impl.others, t)
			}
		}
	}
	return impl, true
}

// Names of the function literals' parameters and variables.
const (
	assertArg = "_spinlabX"
	assertVal = "_spinlabV"
)

// assertFunc is a function literal asserting its argument to the
// interface iface: with ok, func(any) (I, bool); without, func(any) I,
// which panics as Go's failed assertion does.
func assertFunc(iface string, impl implementers, withOK bool) string {
	var b strings.Builder
	b.WriteString("func(" + assertArg + " any) ")
	if withOK {
		b.WriteString("(" + iface + ", bool) { ")
	} else {
		b.WriteString(iface + " { ")
	}
	for _, t := range impl.types {
		b.WriteString("if " + assertVal + ", ok := " + assertArg + ".(" + t + "); ok { return " + assertVal)
		if withOK {
			b.WriteString(", true")
		}
		b.WriteString(" }; ")
	}
	fail := "panic(" + rtName + ".AssertionError(" + assertArg + ", _spinlabfmt.Sprintf(\"%T\", " + assertArg + "), " + strconv.Quote(impl.name)
	for _, m := range impl.methods {
		fail += ", " + strconv.Quote(m)
	}
	fail += "))"
	if withOK {
		fail = "return nil, false"
	}
	for _, t := range impl.others {
		b.WriteString("if _, ok := " + assertArg + ".(" + t + "); ok { " + fail + " }; ")
	}
	switch {
	case impl.compiled && withOK:
		b.WriteString(assertVal + ", ok := " + assertArg + ".(" + iface + "); return " + assertVal + ", ok }")
	case impl.compiled:
		b.WriteString("return " + assertArg + ".(" + iface + ") }")
	default:
		b.WriteString(fail + " }")
	}
	return b.String()
}

// interfaceAsserts rewrites the assertions of the unit to interfaces that
// a session type implements, or that the session declares (the guards of
// type switches are typeswitch.go's).
func (r *rewriter) interfaceAsserts(u *unit) {
	commaOK := map[*ast.TypeAssertExpr]bool{}
	ast.Inspect(u.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 2 && len(n.Rhs) == 1 {
				if ta, ok := ast.Unparen(n.Rhs[0]).(*ast.TypeAssertExpr); ok {
					commaOK[ta] = true
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == 2 && len(n.Values) == 1 {
				if ta, ok := ast.Unparen(n.Values[0]).(*ast.TypeAssertExpr); ok {
					commaOK[ta] = true
				}
			}
		case *ast.TypeAssertExpr:
			if n.Type == nil {
				return true
			}
			impl, ok := r.implementersOf(n.Type)
			if !ok || impl.compiled && len(impl.types) == 0 && len(impl.others) == 0 {
				return true
			}
			iface := u.outText(n.Type)
			if strings.Contains(iface, "\n") {
				return true
			}
			u.edit(u.offset(n.X.Pos()), u.offset(n.X.Pos()), assertFunc(iface, impl, commaOK[n])+"(")
			u.edit(u.offset(n.X.End()), u.offset(n.End()), ")")
		}
		return true
	})
}
