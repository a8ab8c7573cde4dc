package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// yaegi v0.16.1 gives a named type that is not a struct (type Color int)
// the reflect type of its underlying type, so a []Color reaches fmt as an
// []int: it printed its numbers ([2 0]) where Go calls each element's
// String method ([blue red]), and %T said []int where Go says
// []main.Color. Where the cell shows the static type of an operand of a
// printing function of fmt or log (a variable or parameter declared with
// it, a composite literal, a conversion, a session variable, a function's
// declared result) and that type names a session type, the session hands
// the operand to fmt with its type, which the formatter follows through
// elements, keys and fields (format.go):
//
//	fmt.Println(cs)  →  fmt.Println(_spinlabrt.Declared("[]Color", cs))
//
// A cell's final expression of such a slice type is shown through
// fmt.Stringer (or error) values instead:
//
//	cs  →  func(_spinlabX []Color) []_spinlabfmt.Stringer { ... }(cs)

// printFuncs are the printing functions whose operands print with %v,
// by package, with the index of their first operand.
var printFuncs = map[string]map[string]int{
	"fmt": {"Print": 0, "Println": 0, "Sprint": 0, "Sprintln": 0, "Fprint": 1, "Fprintln": 1, "Append": 1, "Appendln": 1},
	"log": {"Print": 0, "Println": 0, "Fatal": 0, "Fatalln": 0, "Panic": 0, "Panicln": 0},
}

// printfFuncs are the Printf-style functions, with the index of their format.
var printfFuncs = map[string]map[string]int{
	"fmt": {"Printf": 0, "Sprintf": 0, "Fprintf": 1, "Errorf": 0, "Appendf": 1},
	"log": {"Printf": 0, "Fatalf": 0, "Panicf": 0},
}

// stringerSlices rewrites a final expression that is a slice or array of
// a session type with a String or Error method.
func (r *rewriter) stringerSlices(u *unit) {
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	wrap := func(a ast.Expr) {
		t, _ := r.exprType(a, text)
		if conv := r.stringerSlice(t); conv != "" && !strings.Contains(text(a), "\n") {
			u.edit(u.offset(a.Pos()), u.offset(a.Pos()), conv+"(")
			u.edit(u.offset(a.End()), u.offset(a.End()), ")")
		}
	}
	// A cell's final expression shows as %v prints it.
	if e := finalExpr(u); e != nil {
		if _, isCall := e.(*ast.CallExpr); !isCall {
			wrap(e)
		}
	}
}

// declaredOperands hands the operands of the unit's printing calls whose
// types name a session type to fmt with their types. It runs before the
// unit's other rewrites, so that its wrapper encloses theirs (the
// conversion resultConversions puts around a call's result).
func (r *rewriter) declaredOperands(u *unit) {
	text := func(n ast.Node) string { return u.src[u.offset(n.Pos()):u.offset(n.End())] }
	local := localTypeNames(u.file)
	declare := func(a ast.Expr) {
		t, _ := r.exprType(a, text)
		if t == "" || strings.Contains(text(a), "\n") || !r.namesSessionType(t, local) {
			return
		}
		u.edit(u.offset(a.Pos()), u.offset(a.Pos()), rtName+".Declared("+strconv.Quote(t)+", ")
		u.edit(u.offset(a.End()), u.offset(a.End()), ")")
	}
	ast.Inspect(u.file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || call.Ellipsis.IsValid() {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok || r.sessionType(pkg.Name) || r.varTypes[pkg.Name] != "" || packagePath(r.defs, pkg.Name) != pkg.Name {
			return true
		}
		first, ok := printFuncs[pkg.Name][sel.Sel.Name]
		if at, isf := printfFuncs[pkg.Name][sel.Sel.Name]; isf {
			first, ok = at+1, true
		}
		if !ok || len(call.Args) <= first {
			return true
		}
		var verbs []rune
		if pkg.Name == "fmt" && sel.Sel.Name == "Errorf" {
			// %w's operand must reach Errorf as the error it is.
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			format, err := strconv.Unquote(lit.Value)
			if verbs = formatVerbs(format); err != nil || verbs == nil {
				return true
			}
		}
		// The operands' names as they stand at the call: a parameter, a
		// range variable or a block's variable that shadows a session
		// variable has its own type (for c := range 2 printed c through
		// the String method of a session variable c of a named type).
		saved := r.varTypes
		r.varTypes = r.scopedVarTypes(u.file, call, text)
		for i, a := range call.Args[first:] {
			if verbs != nil && (i >= len(verbs) || verbs[i] == 'w') {
				continue
			}
			declare(a)
		}
		r.varTypes = saved
		return true
	})
}

// formatVerbs returns the verb of each operand of a Printf format ('*'
// for a width or precision operand): nil when the format uses explicit
// argument indexes.
func formatVerbs(format string) []rune {
	verbs := []rune{}
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.*", format[i]) >= 0 {
			if format[i] == '*' {
				verbs = append(verbs, '*')
			}
			i++
		}
		if i >= len(format) {
			break
		}
		switch format[i] {
		case '%':
		case '[':
			return nil
		default:
			verbs = append(verbs, rune(format[i]))
		}
	}
	return verbs
}

// namesSessionType reports a type (as the cell writes it) that names, where
// the formatter follows it, a non-generic session type that is not an
// interface, has no Format method and is not shadowed by a type a function
// of the cell declares (local).
func (r *rewriter) namesSessionType(t string, local map[string]bool) bool {
	e, err := parser.ParseExpr(t)
	if err != nil {
		return false
	}
	found, refused := false, false
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		switch e := e.(type) {
		case *ast.Ident:
			ts := r.sessionTypeSpecs()[e.Name]
			if ts == nil {
				return
			}
			if local[e.Name] || ts.TypeParams != nil || ts.Assign.IsValid() {
				refused = true
				return
			}
			if _, ok := r.methods[e.Name+".Format"]; ok {
				refused = true
				return
			}
			if _, ok := ts.Type.(*ast.InterfaceType); !ok {
				found = true
			}
		case *ast.ParenExpr:
			walk(e.X)
		case *ast.StarExpr:
			walk(e.X)
		case *ast.ArrayType:
			walk(e.Elt)
		case *ast.MapType:
			walk(e.Key)
			walk(e.Value)
		case *ast.ChanType:
			walk(e.Value)
		}
	}
	walk(e)
	return found && !refused
}

// localTypeNames returns the names of the types declared inside function
// bodies of a file, and of the type parameters of its functions.
func localTypeNames(f *ast.File) map[string]bool {
	names := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if ft, ok := n.(*ast.FuncType); ok && ft.TypeParams != nil {
			for _, p := range ft.TypeParams.List {
				for _, id := range p.Names {
					names[id.Name] = true
				}
			}
		}
		if b, ok := n.(*ast.BlockStmt); ok {
			for _, st := range b.List {
				if ds, ok := st.(*ast.DeclStmt); ok {
					if gd, ok := ds.Decl.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
						for _, sp := range gd.Specs {
							names[sp.(*ast.TypeSpec).Name.Name] = true
						}
					}
				}
			}
		}
		return true
	})
	return names
}

// stringerSlice returns the function literal that turns a value of type
// t, []T or [N]T of a session type T with a value method String or Error
// (and no Format), into a []fmt.Stringer or []error; "" for other types.
func (r *rewriter) stringerSlice(t string) string {
	if !strings.HasPrefix(t, "[") {
		return ""
	}
	end := strings.IndexByte(t, ']')
	if end < 0 {
		return ""
	}
	elem := t[end+1:]
	if n := t[1:end]; n != "" {
		if _, err := strconv.Atoi(n); err != nil {
			return ""
		}
	}
	ts := r.sessionTypeSpecs()[elem]
	if ts == nil || ts.TypeParams != nil || ts.Assign.IsValid() {
		return ""
	}
	switch ts.Type.(type) {
	case *ast.StructType, *ast.InterfaceType:
		// fmt finds the methods of a struct type from the registry.
		return ""
	}
	value := func(name string) bool {
		m, ok := r.methods[elem+"."+name]
		return ok && !m.ptr && astSig(m.sig.ft) == "() string"
	}
	if _, ok := r.methods[elem+".Format"]; ok {
		return ""
	}
	iface := ""
	switch {
	case value("Error"):
		iface = "error"
	case value("String"):
		iface = "_spinlabfmt.Stringer"
	default:
		return ""
	}
	// One call per element: yaegi v0.16.1 makes the interface values of
	// an assignment in a loop share the variable they were made from.
	return "func(" + assertArg + " " + t + ") []" + iface + " { _spinlabS := make([]" + iface + ", len(" + assertArg + ")); " +
		"for _spinlabI := range " + assertArg + " { _spinlabS[_spinlabI] = func(" + assertVal + " " + elem + ") " + iface + " { return " + assertVal + " }(" + assertArg + "[_spinlabI]) }; return _spinlabS }"
}
