package interp

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/spinlab/spinlab/interp/internal/yaegix"
)

// Printing of interpreted types. yaegi v0.16.1 builds a struct type of an
// interpreted type with reflect.StructOf: the type has no name, and an
// unexported field x is named Xx (StructOf needs exported names), so fmt
// prints "{Xx:1}" and "struct { Xx int }" where Go prints "{x:1}" and
// "main.point". The session registers every struct type a cell declares,
// with its declared field names (typeRegistry), and the fmt and log entry
// points of the symbol table are replaced by functions that hand such
// values to formatter, spinlab's implementation of fmt's rules for %v,
// %+v, %#v and %T (handleMethods' order: Formatter, then GoStringer for
// %#v, then error and Stringer for v s x X q).
//
// A named type that is not a struct (type celsius float64) has the reflect
// type of its underlying type, so reflection alone cannot name it. Where a
// cell shows an operand's static type, the session hands fmt the operand
// with its declared type (Declared; the rewrite is in stringslice.go),
// and the formatter reads the names from it, down through elements and
// fields. Elsewhere (a value held in an interface) it shows as yaegi has
// it: its underlying type for %T; two struct types with the same fields
// are the same reflect type, and print under the newer name.

// namedType is an interpreted named type as its declaration states it.
type namedType struct {
	name       string // as declared: point
	rt         reflect.Type
	under      ast.Expr   // the declared type: float64, []celsius, struct{...}
	fields     []string   // declared field names of a struct (embedded: the type's name)
	fieldDecls []ast.Expr // the declared type of each field
}

// methodFunc calls an interpreted method of the form func() string.
type methodFunc func(any) string

// typeRegistry holds the named types of one interpreter. Interpreted code
// registers them as cells declare them (Session.afterDefineType); printing
// reads them from any goroutine.
type typeRegistry struct {
	mu      sync.RWMutex
	byRT    map[reflect.Type]*namedType // the newest type of each struct type
	byName  map[string]*namedType
	methods map[string]map[string]methodFunc // type name → "String", "*String", ...
	needs   sync.Map                         // reflect.Type → bool: needsFormat
	decls   sync.Map                         // declared type text → ast.Expr (nil: does not parse)
}

func newTypeRegistry() *typeRegistry {
	return &typeRegistry{byRT: map[reflect.Type]*namedType{}, byName: map[string]*namedType{}, methods: map[string]map[string]methodFunc{}}
}

// defType registers a type: its name, the source of its declaration and a
// nil pointer of it (which carries its reflect type).
func (r *typeRegistry) defType(name, src string, ptr any) {
	t := reflect.TypeOf(ptr)
	if t == nil || t.Kind() != reflect.Pointer {
		return
	}
	nt := &namedType{name: name, rt: t.Elem()}
	ts := typeSpecOfDecl(src)
	if ts != nil {
		nt.under = ts.Type
	}
	if st, ok := nt.under.(*ast.StructType); ok && nt.rt.Kind() == reflect.Struct {
		for _, f := range st.Fields.List {
			if len(f.Names) == 0 {
				te := f.Type
				if s, ok := te.(*ast.StarExpr); ok {
					te = s.X
				}
				embedded := ""
				switch te := te.(type) {
				case *ast.Ident:
					embedded = te.Name
				case *ast.SelectorExpr:
					embedded = te.Sel.Name
				}
				nt.fields = append(nt.fields, embedded)
				nt.fieldDecls = append(nt.fieldDecls, f.Type)
				continue
			}
			for _, id := range f.Names {
				nt.fields = append(nt.fields, id.Name)
				nt.fieldDecls = append(nt.fieldDecls, f.Type)
			}
		}
		if len(nt.fields) != nt.rt.NumField() {
			nt.fields, nt.fieldDecls = nil, nil
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := r.byName[name]; old != nil && r.byRT[old.rt] == old {
		delete(r.byRT, old.rt)
	}
	r.byName[name] = nt
	if nt.rt.Kind() == reflect.Struct {
		r.byRT[nt.rt] = nt
	}
}

// defMethod registers a method func() string (String, Error, GoString) of
// a type; ptr says it has a pointer receiver.
func (r *typeRegistry) defMethod(typ, method string, ptr bool, f methodFunc) {
	if ptr {
		method = "*" + method
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.methods[typ] == nil {
		r.methods[typ] = map[string]methodFunc{}
	}
	r.methods[typ][method] = f
}

// structOfDecl returns the struct type of a declaration "type T struct{...}".
func structOfDecl(src string) *ast.StructType {
	ts := typeSpecOfDecl(src)
	if ts == nil {
		return nil
	}
	st, _ := ts.Type.(*ast.StructType)
	return st
}

// typeSpecOfDecl parses a declaration "type T ..." that is neither generic
// nor an alias.
func typeSpecOfDecl(src string) *ast.TypeSpec {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return nil
	}
	gd, ok := f.Decls[0].(*ast.GenDecl)
	if !ok || len(gd.Specs) != 1 {
		return nil
	}
	ts, ok := gd.Specs[0].(*ast.TypeSpec)
	if !ok || ts.TypeParams != nil || ts.Assign.IsValid() {
		return nil
	}
	return ts
}

func (r *typeRegistry) lookupRT(t reflect.Type) *namedType {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byRT[t]
}

func (r *typeRegistry) lookupName(name string) *namedType {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byName[name]
}

func (r *typeRegistry) method(typ, name string) methodFunc {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.methods[typ][name]
}

// needsFormat reports a type that contains a struct type without a name,
// which is how every interpreted struct type looks to reflection.
func (r *typeRegistry) needsFormat(t reflect.Type) bool {
	if v, ok := r.needs.Load(t); ok {
		return v.(bool)
	}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type) bool
	walk = func(t reflect.Type) bool {
		if seen[t] {
			return false
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Struct:
			if t.Name() == "" || yaegix.IsValueInterface(t) {
				return true // an interpreted struct, or yaegi's form of an interpreted interface's value
			}
			return false // a compiled named struct prints itself
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
			return t.Name() == "" && walk(t.Elem())
		case reflect.Map:
			return t.Name() == "" && (walk(t.Key()) || walk(t.Elem()))
		}
		return false
	}
	need := walk(t)
	r.needs.Store(t, need)
	return need
}

// holdsInterpreted reports a value of a compiled type that holds, in an
// interface ([]any, map[string]any), a value fmt cannot print as Go
// would: an interpreted struct, or yaegi's own form of an interpreted
// value with methods (fmt printed its internals, "[{0xc000… {0xc000…
// 409}}]"). It looks at no more than 4096 values.
func (r *typeRegistry) holdsInterpreted(v reflect.Value, depth int, seen *int) bool {
	if *seen++; *seen > 4096 || depth > 8 {
		return false
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return false
		}
		e := v.Elem()
		if u := yaegix.Unwrap(e); u.IsValid() && u.Type() != e.Type() {
			return true
		}
		if r.needsFormat(e.Type()) {
			return true
		}
		return r.holdsInterpreted(e, depth+1, seen)
	case reflect.Slice, reflect.Array:
		if !canHoldInterface(v.Type().Elem()) {
			return false
		}
		for i := 0; i < v.Len(); i++ {
			if r.holdsInterpreted(v.Index(i), depth+1, seen) {
				return true
			}
		}
	case reflect.Map:
		if !canHoldInterface(v.Type().Key()) && !canHoldInterface(v.Type().Elem()) {
			return false
		}
		it := v.MapRange()
		for it.Next() {
			if r.holdsInterpreted(it.Key(), depth+1, seen) || r.holdsInterpreted(it.Value(), depth+1, seen) {
				return true
			}
		}
	case reflect.Pointer:
		if !v.IsNil() && v.Type().Name() == "" && canHoldInterface(v.Type().Elem()) && depth > 0 {
			return r.holdsInterpreted(v.Elem(), depth+1, seen)
		}
	}
	return false
}

// canHoldInterface reports a type whose values can hold an interface value
// without going through a struct.
func canHoldInterface(t reflect.Type) bool {
	for range 8 {
		switch t.Kind() {
		case reflect.Interface:
			return true
		case reflect.Slice, reflect.Array, reflect.Pointer:
			t = t.Elem()
		case reflect.Map:
			return canHoldInterface(t.Key()) || canHoldInterface(t.Elem())
		default:
			return false
		}
	}
	return false
}

// isWrapper reports yaegi's compiled stand-in for an interpreted value that
// implements an interface (fmt.Stringer ...): a struct whose first field,
// IValue, holds the value.
func isWrapper(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.NumField() > 0 && t.Field(0).Name == "IValue" &&
		strings.HasPrefix(t.PkgPath(), "github.com/traefik/yaegi")
}

// formatted is an operand of fmt that holds an interpreted value; fmt
// calls its Format for every verb but %T, which the entry points handle.
type formatted struct {
	r    *typeRegistry
	v    reflect.Value // the value (inside yaegi's wrapper, if any)
	w    any           // yaegi's wrapper, which carries the interpreted methods, or nil
	decl ast.Expr      // the operand's type as the cell declares it, or nil
}

// declared is an operand of a printing function with the type the cell
// declares for it ("[]celsius"), which reflection does not show: the
// session's rewrite of print calls makes it (rt.Declared).
type declared struct {
	typ string
	v   any
}

// Declared pairs a print operand with its declared type.
func Declared(typ string, v any) any { return declared{typ, v} }

// parseDecl parses a declared type, once per text.
func (r *typeRegistry) parseDecl(typ string) ast.Expr {
	if e, ok := r.decls.Load(typ); ok {
		e, _ := e.(ast.Expr)
		return e
	}
	e, err := parser.ParseExpr(typ)
	if err != nil {
		e = nil
	}
	r.decls.Store(typ, e)
	return e
}

// declMatters reports a declared type that names a registered type where
// the formatter follows it (through pointers, elements, keys): only then
// does it print differently from the value's reflect type.
func (r *typeRegistry) declMatters(decl ast.Expr) bool {
	switch d := decl.(type) {
	case *ast.Ident:
		return r.lookupName(d.Name) != nil
	case *ast.ParenExpr:
		return r.declMatters(d.X)
	case *ast.StarExpr:
		return r.declMatters(d.X)
	case *ast.ArrayType:
		return r.declMatters(d.Elt)
	case *ast.MapType:
		return r.declMatters(d.Key) || r.declMatters(d.Value)
	case *ast.ChanType:
		return r.declMatters(d.Value)
	}
	return false
}

// named returns the registered type that decl names, if the value's
// reflect type t is that type's.
func (r *typeRegistry) named(decl ast.Expr, t reflect.Type) *namedType {
	decl = ast.Unparen(decl)
	id, ok := decl.(*ast.Ident)
	if !ok {
		return nil
	}
	nt := r.lookupName(id.Name)
	if nt == nil || nt.rt != t {
		return nil
	}
	return nt
}

// underlying returns the type expression that gives a value's structure:
// decl, or the declaration of the named type it names, followed through
// named types.
func (r *typeRegistry) underlying(decl ast.Expr, t reflect.Type) ast.Expr {
	for range 8 {
		decl = ast.Unparen(decl)
		nt := r.named(decl, t)
		if nt == nil {
			return decl
		}
		decl = nt.under
	}
	return nil
}

// methodType returns the registered type whose methods fmt would call on
// a value of declared type decl: for a pointer, its element's.
func (r *typeRegistry) methodType(decl ast.Expr, t reflect.Type) *namedType {
	if t.Kind() == reflect.Pointer {
		if s, ok := r.underlying(decl, t).(*ast.StarExpr); ok {
			return r.named(s.X, t.Elem())
		}
		return nil
	}
	return r.named(decl, t)
}

// arg returns the operand fmt should see for x.
func (r *typeRegistry) arg(x any) any {
	if x == nil {
		return x
	}
	if d, ok := x.(declared); ok {
		decl := r.parseDecl(d.typ)
		if !r.declMatters(decl) {
			return r.arg(d.v)
		}
		v := yaegix.Unwrap(reflect.ValueOf(d.v))
		if !v.IsValid() {
			return r.arg(d.v)
		}
		var w any
		if t := v.Type(); isWrapper(t) || isSymbolsWrapper(t) {
			w = d.v
			if v = yaegix.Unwrap(v.Field(0)); !v.IsValid() {
				return r.arg(d.v)
			}
		}
		return formatted{r: r, v: v, w: w, decl: decl}
	}
	v := yaegix.Unwrap(reflect.ValueOf(x))
	if !v.IsValid() {
		return x
	}
	var w any
	if isWrapper(v.Type()) {
		w = x
		v = yaegix.Unwrap(v.Field(0))
		if !v.IsValid() {
			return x
		}
	}
	if !r.needsFormat(v.Type()) && !r.holdsInterpreted(v, 0, new(int)) {
		if w != nil && v.CanInterface() {
			// A plain type (type S int) with methods: keep yaegi's wrapper,
			// which calls them.
			return x
		}
		if v.CanInterface() {
			return v.Interface()
		}
		return x
	}
	return formatted{r: r, v: v, w: w}
}

// args converts the operands of a Print-style call.
func (r *typeRegistry) args(xs []any) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = r.arg(x)
	}
	return out
}

func isFormatted(x any) bool { _, ok := x.(formatted); return ok }

// formatArgs converts the operands of a Printf-style call, and its format:
// %T of an interpreted value becomes %s of its Go type name; the operand
// of %w stays as it is (it must stay an error).
func (r *typeRegistry) formatArgs(format string, xs []any) (string, []any) {
	out := make([]any, len(xs))
	for i, x := range xs {
		// An operand that no verb reads (a width given by *), or %w's.
		if d, ok := x.(declared); ok {
			x = d.v
		}
		out[i] = x
	}
	var b []byte
	arg := 0
	changed := false
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0", format[j]) >= 0 {
			j++
		}
		num := func() {
			if j < len(format) && format[j] == '[' {
				k := strings.IndexByte(format[j:], ']')
				if k < 0 {
					return
				}
				if n, err := strconv.Atoi(format[j+1 : j+k]); err == nil {
					arg = n - 1
				}
				j += k + 1
			}
		}
		num()
		if j < len(format) && format[j] == '*' {
			arg++
			j++
		} else {
			for j < len(format) && format[j] >= '0' && format[j] <= '9' {
				j++
			}
		}
		if j < len(format) && format[j] == '.' {
			j++
			num()
			if j < len(format) && format[j] == '*' {
				arg++
				j++
			} else {
				for j < len(format) && format[j] >= '0' && format[j] <= '9' {
					j++
				}
			}
		}
		num()
		if j >= len(format) {
			break
		}
		verb, size := utf8.DecodeRuneInString(format[j:])
		if verb == '%' {
			i = j
			continue
		}
		if arg >= 0 && arg < len(xs) {
			switch verb {
			case 'w':
				if d, ok := xs[arg].(declared); ok {
					out[arg] = d.v
				}
			case 'T':
				name := r.wrappedType(xs[arg])
				if a := r.arg(xs[arg]); name == "" && isFormatted(a) {
					name = a.(formatted).typeString()
				}
				if name != "" {
					out[arg] = name
					if b == nil {
						b = []byte(format)
					}
					b[j] = 's'
					changed = true
				}
			default:
				a := r.arg(xs[arg])
				if !strings.ContainsRune("vsqxX", verb) {
					a = methodless(a)
				}
				out[arg] = a
			}
		}
		arg++
		i = j + size - 1
	}
	if changed {
		format = string(b)
	}
	return format, out
}

// wrappedType names, for %T, the type of a value that yaegi hands over in
// its wrapper: a value of type level with a String method, held in an any,
// reaches fmt as a symbols._fmt_Stringer around an int. Methods can only
// be declared on package-level types, so the value's type is a session
// type that has the wrapper's methods: the only one that has them, or
// else the one whose reflect type is the wrapped value's, unless a struct
// type has them too (yaegi wraps a field of a struct instead of the
// struct: an error holding myErr{1, 2} arrives as an interp._error around
// 2; then the candidates' methods are called on the wrapped value and
// compared with the wrapper's). When that does not single out one type,
// the wrapped value's own type is named (int, or main.point for a struct). It returns "" when x is not
// in a wrapper.
func (r *typeRegistry) wrappedType(x any) string {
	if x == nil {
		return ""
	}
	if d, ok := x.(declared); ok {
		x = d.v
	}
	w := yaegix.Unwrap(reflect.ValueOf(x))
	if !w.IsValid() || !isWrapper(w.Type()) && !isSymbolsWrapper(w.Type()) {
		return ""
	}
	v := yaegix.Unwrap(w.Field(0))
	if !v.IsValid() {
		return ""
	}
	t, star := v.Type(), ""
	if t.Kind() == reflect.Pointer {
		t, star = t.Elem(), "*"
	}
	if t.Kind() == reflect.Struct && r.lookupRT(t) != nil {
		return typeString(r, v.Type(), nil)
	}
	var need []string
	for i := 1; i < w.NumField(); i++ {
		switch m := strings.TrimPrefix(w.Type().Field(i).Name, "W"); m {
		case "String", "Error", "GoString":
			need = append(need, m)
		}
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	var sameRT, sameMethods []string
	structs := false
	for name, nt := range r.byName {
		fits := len(need) > 0
		for _, m := range need {
			ms := r.methods[name]
			if ms[m] == nil && (star == "" || ms["*"+m] == nil) {
				fits = false
			}
		}
		if !fits {
			continue
		}
		sameMethods = append(sameMethods, name)
		structs = structs || nt.rt.Kind() == reflect.Struct
		if nt.rt == t {
			sameRT = append(sameRT, name)
		}
	}
	switch {
	case len(sameMethods) == 1:
		return star + "main." + sameMethods[0]
	case len(sameRT) == 1 && !structs:
		return star + "main." + sameRT[0]
	case structs && star == "" && len(need) > 0:
		// The wrapped value may be a struct's field: keep the types whose
		// method gives what the wrapper's gives for it, else the struct
		// type, if one alone has the methods.
		var kept []string
		if len(sameRT) > 0 {
			want, ok := wrapperText(w.Interface(), need[0])
			if !ok {
				break
			}
			for _, name := range sameRT {
				if got, ok := callQuietly(r.methods[name][need[0]], v.Interface()); ok && got == want {
					kept = append(kept, name)
				}
			}
		}
		if len(kept) == 1 {
			return "main." + kept[0]
		}
		if len(kept) == 0 {
			var st []string
			for _, name := range sameMethods {
				if r.byName[name].rt.Kind() == reflect.Struct {
					st = append(st, name)
				}
			}
			if len(st) == 1 {
				return "main." + st[0]
			}
		}
	}
	return typeString(r, v.Type(), nil)
}

// wrapperText calls the String, Error or GoString method of a wrapper.
func wrapperText(w any, method string) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	switch method {
	case "String":
		if st, ok := w.(fmt.Stringer); ok {
			return st.String(), true
		}
	case "Error":
		if e, ok := w.(error); ok {
			return e.Error(), true
		}
	case "GoString":
		if g, ok := w.(fmt.GoStringer); ok {
			return g.GoString(), true
		}
	}
	return "", false
}

// callQuietly calls an interpreted method of the registry, reporting a
// panic as a failure.
func callQuietly(m methodFunc, v any) (s string, ok bool) {
	if m == nil {
		return "", false
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return m(v), true
}

// isSymbolsWrapper reports a wrapper of spinlab's symbol tables
// (symbols._fmt_Stringer), which yaegi makes as it makes its own.
func isSymbolsWrapper(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.NumField() > 0 && t.Field(0).Name == "IValue" && t.PkgPath() == symbolsPath
}

// symbolsPath is the package of the symbol tables, whose wrappers
// (_fmt_Stringer) are yaegi's in form.
const symbolsPath = "github.com/spinlab/spinlab/interp/symbols"

// methodless returns the value inside yaegi's wrapper of a plain
// interpreted type with an Error or String method (type Color int), for
// a verb with which fmt calls neither (%d of Color(1) is 1, as in Go: the
// wrapper is a struct, which %d printed as {1 0x...}). A wrapper of a
// Format method stays: fmt calls Format for every verb.
func methodless(a any) any {
	if a == nil {
		return a
	}
	t := reflect.TypeOf(a)
	if !isWrapper(t) && !isSymbolsWrapper(t) {
		return a
	}
	if _, ok := a.(fmt.Formatter); ok {
		return a
	}
	v := yaegix.Unwrap(reflect.ValueOf(a).Field(0))
	if !v.IsValid() || !v.CanInterface() {
		return a
	}
	return v.Interface()
}

// Format implements fmt.Formatter with fmt's own order of methods.
func (x formatted) Format(f fmt.State, verb rune) {
	if fm, ok := x.w.(fmt.Formatter); ok {
		fm.Format(f, verb)
		return
	}
	sharpV := verb == 'v' && f.Flag('#')
	mt := x.r.methodType(x.decl, x.v.Type())
	if sharpV {
		if s, ok := x.methodText(x.v, mt, "GoString", 0); ok {
			_, _ = f.Write([]byte(s))
			return
		}
	} else if strings.ContainsRune("vsxXq", verb) {
		if s, ok := x.methodText(x.v, mt, "Error", 0); ok {
			fmt.Fprintf(f, fmt.FormatString(f, verb), s)
			return
		}
		if s, ok := x.methodText(x.v, mt, "String", 0); ok {
			fmt.Fprintf(f, fmt.FormatString(f, verb), s)
			return
		}
	}
	// Flags, width and precision apply to each element, as in fmt.
	p := valuePrinter{r: x.r, verb: verb, plus: verb == 'v' && f.Flag('+'), sharp: sharpV, leaf: fmt.FormatString(f, verb)}
	p.value(x.v, x.decl, 0, true)
	_, _ = f.Write(p.buf.Bytes())
}

// methodText calls a method func() string of an interpreted value: through
// yaegi's wrapper at the top, or through the registry for a value whose
// declared type the valuePrinter knows.
func (x formatted) methodText(v reflect.Value, nt *namedType, name string, depth int) (s string, ok bool) {
	if depth == 0 && x.w != nil {
		switch name {
		case "Error":
			if e, ok := x.w.(error); ok {
				return e.Error(), true
			}
		case "String":
			if st, ok := x.w.(fmt.Stringer); ok {
				return st.String(), true
			}
		case "GoString":
			if g, ok := x.w.(fmt.GoStringer); ok {
				return g.GoString(), true
			}
		}
		return "", false
	}
	return x.r.callMethod(v, nt, name)
}

// callMethod calls a registered method of the value's type: for a
// pointer to a named type its pointer and value methods, for a value its
// value methods.
func (r *typeRegistry) callMethod(v reflect.Value, nt *namedType, name string) (s string, ok bool) {
	if !v.IsValid() || !v.CanInterface() {
		return "", false
	}
	var m methodFunc
	if v.Kind() == reflect.Pointer {
		et := nt
		if et == nil {
			et = r.lookupRT(v.Type().Elem())
		}
		if et == nil {
			return "", false
		}
		if m = r.method(et.name, "*"+name); m == nil {
			if m = r.method(et.name, name); m != nil {
				if v.IsNil() {
					return "<nil>", true
				}
				v = v.Elem()
			}
		}
	} else {
		if nt == nil {
			nt = r.lookupRT(v.Type())
		}
		if nt == nil {
			return "", false
		}
		m = r.method(nt.name, name)
	}
	if m == nil {
		return "", false
	}
	defer func() {
		if p := recover(); p != nil {
			if v.Kind() == reflect.Pointer && v.IsNil() {
				s, ok = "<nil>", true
				return
			}
			s, ok = fmt.Sprintf("%%!v(PANIC=%s method: %v)", name, p), true
		}
	}()
	return m(v.Interface()), true
}

// typeString is the Go name of the operand's type, for %T.
func (x formatted) typeString() string {
	return declTypeString(x.r, x.v.Type(), x.decl)
}

// declTypeString names a type as Go does, with the names its declared
// type decl gives (main.celsius for float64), where decl matches it.
func declTypeString(r *typeRegistry, t reflect.Type, decl ast.Expr) string {
	switch d := ast.Unparen(decl).(type) {
	case *ast.Ident:
		if nt := r.named(d, t); nt != nil {
			return "main." + nt.name
		}
	case *ast.StarExpr:
		if t.Kind() == reflect.Pointer {
			return "*" + declTypeString(r, t.Elem(), d.X)
		}
	case *ast.ArrayType:
		switch {
		case d.Len == nil && t.Kind() == reflect.Slice:
			return "[]" + declTypeString(r, t.Elem(), d.Elt)
		case d.Len != nil && t.Kind() == reflect.Array:
			return "[" + strconv.Itoa(t.Len()) + "]" + declTypeString(r, t.Elem(), d.Elt)
		}
	case *ast.MapType:
		if t.Kind() == reflect.Map {
			return "map[" + declTypeString(r, t.Key(), d.Key) + "]" + declTypeString(r, t.Elem(), d.Value)
		}
	case *ast.ChanType:
		if t.Kind() == reflect.Chan {
			switch t.ChanDir() {
			case reflect.RecvDir:
				return "<-chan " + declTypeString(r, t.Elem(), d.Value)
			case reflect.SendDir:
				return "chan<- " + declTypeString(r, t.Elem(), d.Value)
			}
			return "chan " + declTypeString(r, t.Elem(), d.Value)
		}
	}
	return typeString(r, t, nil)
}

// typeString names a type as Go does: main.point for a registered struct
// type, and composite types built from those.
func typeString(r *typeRegistry, t reflect.Type, nt *namedType) string {
	if nt == nil && t.Kind() == reflect.Struct && t.Name() == "" {
		nt = r.lookupRT(t)
	}
	if nt != nil {
		return "main." + nt.name
	}
	if t.Name() != "" {
		return t.String()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + typeString(r, t.Elem(), nil)
	case reflect.Slice:
		return "[]" + typeString(r, t.Elem(), nil)
	case reflect.Array:
		return "[" + strconv.Itoa(t.Len()) + "]" + typeString(r, t.Elem(), nil)
	case reflect.Map:
		return "map[" + typeString(r, t.Key(), nil) + "]" + typeString(r, t.Elem(), nil)
	case reflect.Chan:
		switch t.ChanDir() {
		case reflect.RecvDir:
			return "<-chan " + typeString(r, t.Elem(), nil)
		case reflect.SendDir:
			return "chan<- " + typeString(r, t.Elem(), nil)
		}
		return "chan " + typeString(r, t.Elem(), nil)
	case reflect.Struct:
		if t.NumField() == 0 {
			return "struct {}"
		}
		var b strings.Builder
		b.WriteString("struct { ")
		for i := 0; i < t.NumField(); i++ {
			if i > 0 {
				b.WriteString("; ")
			}
			f := t.Field(i)
			if !f.Anonymous {
				b.WriteString(fieldName(f.Name, nil, i) + " ")
			}
			b.WriteString(typeString(r, f.Type, nil))
			if tag := declaredTag(f); tag != "" {
				b.WriteString(" " + strconv.Quote(string(tag)))
			}
		}
		b.WriteString(" }")
		return b.String()
	}
	return t.String()
}

// fieldName is the declared name of field i: from the declaration when the
// type is registered, else undone from yaegi's "X" + name.
func fieldName(rname string, nt *namedType, i int) string {
	if nt != nil && nt.fields != nil {
		return nt.fields[i]
	}
	if len(rname) > 1 && rname[0] == 'X' {
		r, _ := utf8.DecodeRuneInString(rname[1:])
		if !unicode.IsUpper(r) {
			return rname[1:]
		}
	}
	return rname
}

// valuePrinter writes a value as fmt's printValue does for %v, %+v and %#v.
type valuePrinter struct {
	r           *typeRegistry
	verb        rune
	plus, sharp bool
	leaf        string // the verb with its flags, for values fmt prints itself
	buf         bytes.Buffer
}

// value prints v; decl is its type as declared where the valuePrinter
// knows it (the operand's, a field's, or the element type of one), else
// nil; methods says whether fmt would call its methods (true for the
// operand and what exported fields lead to).
func (p *valuePrinter) value(v reflect.Value, decl ast.Expr, depth int, methods bool) {
	if v.IsValid() && yaegix.IsValueInterface(v.Type()) {
		// An element of a []Shape: print the value it holds.
		v = yaegix.Unwrap(v)
		decl = nil
		if !v.IsValid() {
			p.buf.WriteString("<nil>")
			return
		}
	}
	if !v.IsValid() {
		if depth == 0 {
			p.buf.WriteString("<invalid reflect.Value>")
		} else if p.sharp {
			p.buf.WriteString("interface {}(nil)")
		} else {
			p.buf.WriteString("<nil>")
		}
		return
	}
	nt := p.r.named(decl, v.Type())
	if nt == nil && v.Kind() == reflect.Struct && v.Type().Name() == "" {
		nt = p.r.lookupRT(v.Type())
	}
	if methods && depth > 0 {
		var x formatted
		x.r = p.r
		mt := nt
		if v.Kind() == reflect.Pointer {
			mt = p.r.methodType(decl, v.Type())
		}
		if p.sharp {
			if s, ok := x.methodText(v, mt, "GoString", depth); ok {
				p.buf.WriteString(s)
				return
			}
		} else if strings.ContainsRune("vsxXq", p.verb) {
			if s, ok := x.methodText(v, mt, "Error", depth); ok {
				fmt.Fprintf(&p.buf, p.leaf, s)
				return
			}
			if s, ok := x.methodText(v, mt, "String", depth); ok {
				fmt.Fprintf(&p.buf, p.leaf, s)
				return
			}
		}
	}
	if !p.r.needsFormat(v.Type()) && v.CanInterface() && nt == nil && !p.r.declMatters(decl) && !p.r.holdsInterpreted(v, 0, new(int)) {
		// Nothing interpreted inside: fmt prints it (and calls the
		// methods of compiled types).
		fmt.Fprintf(&p.buf, p.leaf, v.Interface())
		return
	}
	under := p.r.underlying(decl, v.Type())
	switch v.Kind() {
	case reflect.Struct:
		if p.sharp {
			p.buf.WriteString(declTypeString(p.r, v.Type(), decl))
		}
		if nt != nil && nt.rt != v.Type() {
			nt = nil
		}
		p.buf.WriteByte('{')
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if i > 0 {
				p.separate()
			}
			name := fieldName(t.Field(i).Name, nt, i)
			if p.plus || p.sharp {
				p.buf.WriteString(name + ":")
			}
			var fd ast.Expr
			if nt != nil && nt.fieldDecls != nil {
				fd = nt.fieldDecls[i]
			}
			exported := token.IsExported(name)
			p.value(p.field(v.Field(i)), fd, depth+1, methods && exported)
		}
		p.buf.WriteByte('}')
	case reflect.Pointer:
		if v.IsNil() {
			if p.sharp {
				p.buf.WriteString("(" + declTypeString(p.r, v.Type(), decl) + ")(nil)")
			} else {
				p.buf.WriteString("<nil>")
			}
			return
		}
		if depth == 0 {
			switch v.Elem().Kind() {
			case reflect.Struct, reflect.Array, reflect.Slice, reflect.Map:
				var ed ast.Expr
				if s, ok := under.(*ast.StarExpr); ok {
					ed = s.X
				}
				p.buf.WriteByte('&')
				p.value(v.Elem(), ed, depth+1, methods)
				return
			}
		}
		switch {
		case p.sharp:
			fmt.Fprintf(&p.buf, "(%s)(0x%x)", declTypeString(p.r, v.Type(), decl), v.Pointer())
		case p.verb == 'v':
			fmt.Fprintf(&p.buf, "0x%x", v.Pointer())
		default:
			fmt.Fprintf(&p.buf, p.leaf, v.Interface())
		}
	case reflect.Slice, reflect.Array:
		if p.sharp {
			if v.Kind() == reflect.Slice && v.IsNil() {
				p.buf.WriteString(declTypeString(p.r, v.Type(), decl) + "(nil)")
				return
			}
			p.buf.WriteString(declTypeString(p.r, v.Type(), decl) + "{")
		} else {
			p.buf.WriteByte('[')
		}
		var ed ast.Expr
		if a, ok := under.(*ast.ArrayType); ok {
			ed = a.Elt
		}
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				p.separate()
			}
			p.value(v.Index(i), ed, depth+1, methods)
		}
		p.closeList()
	case reflect.Map:
		if p.sharp {
			if v.IsNil() {
				p.buf.WriteString(declTypeString(p.r, v.Type(), decl) + "(nil)")
				return
			}
			p.buf.WriteString(declTypeString(p.r, v.Type(), decl) + "{")
		} else {
			p.buf.WriteString("map[")
		}
		var kd, ed ast.Expr
		if m, ok := under.(*ast.MapType); ok {
			kd, ed = m.Key, m.Value
		}
		keys := v.MapKeys()
		sort.SliceStable(keys, func(i, j int) bool { return compareValues(keys[i], keys[j]) < 0 })
		for i, k := range keys {
			if i > 0 {
				p.separate()
			}
			p.value(k, kd, depth+1, methods)
			p.buf.WriteByte(':')
			p.value(v.MapIndex(k), ed, depth+1, methods)
		}
		p.closeList()
	case reflect.Interface:
		if v.IsNil() {
			if p.sharp {
				p.buf.WriteString(declTypeString(p.r, v.Type(), decl) + "(nil)")
			} else {
				p.buf.WriteString("<nil>")
			}
			return
		}
		p.value(yaegix.Unwrap(v.Elem()), nil, depth+1, methods)
	default:
		if v.CanInterface() {
			fmt.Fprintf(&p.buf, p.leaf, v.Interface())
		} else {
			p.buf.WriteString(v.String())
		}
	}
}

// field returns a struct field's value, the value inside when it holds
// an interpreted value in yaegi's own interface form.
func (p *valuePrinter) field(v reflect.Value) reflect.Value {
	if v.Kind() == reflect.Interface && !v.IsNil() {
		if u := yaegix.Unwrap(v.Elem()); u.IsValid() && u.Type() != v.Elem().Type() {
			return u
		}
	}
	return v
}

// compareValues orders map keys as fmt does (internal/fmtsort): numbers,
// strings and bools by value, structs and arrays field by field, pointers
// and channels by address, interfaces by type then value.
func compareValues(a, b reflect.Value) int {
	if a.Type() != b.Type() {
		return strings.Compare(a.Type().String(), b.Type().String())
	}
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmpOrdered(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmpOrdered(a.Uint(), b.Uint())
	case reflect.Float32, reflect.Float64:
		return cmpOrdered(a.Float(), b.Float())
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	case reflect.Bool:
		switch {
		case a.Bool() == b.Bool():
			return 0
		case !a.Bool():
			return -1
		}
		return 1
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		return cmpOrdered(a.Pointer(), b.Pointer())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if c := compareValues(a.Field(i), b.Field(i)); c != 0 {
				return c
			}
		}
	case reflect.Array:
		for i := 0; i < a.Len(); i++ {
			if c := compareValues(a.Index(i), b.Index(i)); c != 0 {
				return c
			}
		}
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return cmpOrdered(boolInt(!a.IsNil()), boolInt(!b.IsNil()))
		}
		return compareValues(a.Elem(), b.Elem())
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cmpOrdered[T int64 | uint64 | float64 | uintptr | int](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// separate writes what stands between two elements of a struct, slice or
// map: ", " for %#v, a space otherwise, as fmt does.
func (p *valuePrinter) separate() {
	if p.sharp {
		p.buf.WriteString(", ")
	} else {
		p.buf.WriteByte(' ')
	}
}

// closeList ends a slice or map: "}" for %#v (a composite literal), "]"
// otherwise.
func (p *valuePrinter) closeList() {
	if p.sharp {
		p.buf.WriteByte('}')
	} else {
		p.buf.WriteByte(']')
	}
}
