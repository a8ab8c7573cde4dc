package cell

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// yaegi v0.16.1 gives a named type that is not a struct (type Color int)
// the reflect type of its underlying type, so a []Color reaches fmt as an
// []int and prints its numbers ([2 0]) where Go calls each element's
// String method ([blue red]). Where the cell shows the static type of a
// print argument (a variable or parameter declared []Color or [N]Color, a
// composite literal, a session variable), and fmt would call the
// element's String or Error method (the operands of Print, Println,
// Sprint, ..., those of Printf-style verbs %v, %s, %x, %X and %q without
// #, and a cell's final expression), the session hands fmt the elements
// as fmt.Stringer (or error) values instead:
//
//	fmt.Println(cs)  →  fmt.Println(func(_spinlabX []Color) []_spinlabfmt.Stringer { ... }(cs))

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

// stringerSlices rewrites the print arguments of the unit that are slices
// or arrays of a session type with a String or Error method.
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
		if !ok || r.sessionType(pkg.Name) || r.varTypes[pkg.Name] != "" {
			return true
		}
		var args []ast.Expr
		if first, ok := printFuncs[pkg.Name][sel.Sel.Name]; ok && len(call.Args) > first {
			args = call.Args[first:]
		} else if at, ok := printfFuncs[pkg.Name][sel.Sel.Name]; ok && len(call.Args) > at {
			lit, ok := call.Args[at].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			format, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for i, methods := range methodVerbs(format) {
				if methods && at+1+i < len(call.Args) {
					args = append(args, call.Args[at+1+i])
				}
			}
		}
		for _, a := range args {
			wrap(a)
		}
		return true
	})
}

// methodVerbs tells, for each operand of a Printf format, whether fmt
// calls its String or Error method (%v, %+v, %s, %x, %X, %q): nil when the format
// uses explicit argument indexes.
func methodVerbs(format string) []bool {
	var out []bool
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		sharp := false
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			sharp = sharp || format[i] == '#'
			i++
		}
		for i < len(format) && (format[i] >= '0' && format[i] <= '9' || format[i] == '.' || format[i] == '*') {
			if format[i] == '*' {
				out = append(out, false)
			}
			i++
		}
		if i >= len(format) {
			break
		}
		switch format[i] {
		case '%':
			continue
		case '[':
			return nil
		case 'v', 's', 'x', 'X', 'q':
			out = append(out, !sharp)
		default:
			out = append(out, false)
		}
	}
	return out
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
