package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"sort"
	"strings"
)

// The rewriter brings current Go to yaegi v0.16.1 by editing the text of
// each item in place: edits never add or remove lines, so positions in
// errors stay the cell's own (columns may shift on an edited line).
//
//   - for i := range n (n an integer) becomes a three-clause loop;
//   - min, max and clear (when not redefined) call polyfills;
//   - a for loop whose body starts a goroutine or builds a closure copies
//     its loop variables at the top of the body (Go 1.22 per-iteration
//     semantics; a three-clause loop that assigns its variable in the body
//     keeps the old semantics);
//   - go statements recover panics and report them on the cell;
//   - closures a loop makes on other goroutines' behalf are made in a
//     frame of their own (loopscope.go);
//   - branches out of select cases, method expressions used as values,
//     type switches with interface cases or cases of session types, and
//     assertions to interfaces are rewritten around yaegi's gaps
//     (selectbranch.go, methodexpr.go, typeswitch.go, assert.go);
//   - the unexported fields of declared struct types are tagged json:"-"
//     and xml:"-" (fieldtags.go);
//   - print arguments that are slices of a session type with a String or
//     Error method are handed to fmt as []fmt.Stringer (stringslice.go);
//   - display.Show(x) and h.Update(x) pass values of interpreted types that
//     have a Bundle method as rendered bundles.

// edit replaces src[off:end] of an item with text (an insertion when off == end).
type edit struct {
	off, end int
	text     string
	seq      int
}

// rewriter holds what the rewrite of one cell needs to know.
type rewriter struct {
	s        *view // the scope the cell is prepared in
	cell     int
	shadowed func(name string) bool
	ints     map[string]bool // names known to hold integers
	handles  map[string]bool // names known to hold *display.Handle
	loops    int
	renames  map[*ast.Ident]string // loop variables renamed in bodies
	intTypes map[string]bool       // session types whose underlying type is an integer
	globals  map[string]reflect.Value
	funcs    map[string]funcType // functions the cell declares
	// recovering are the functions the cell declares that call recover;
	// bound are the defer statements whose arguments skipDefersOnExit
	// bound (exit.go).
	recovering   map[string]bool
	bound        map[*ast.DeferStmt]bool
	methods      map[string]method      // methods of interpreted types, by "T.M" (methodexpr.go)
	typedIs      map[*ast.CallExpr]bool // errors.Is calls whose target's type is a session type (ifaceeq.go)
	defs         []Definition           // the session's definitions
	copies       []loopCopy
	loopGos      map[*ast.GoStmt]bool // go statements a loop runs (loopscope.go)
	ownFrameLits []*ast.FuncLit       // function literals to make in a frame of their own (loopscope.go, deferclosure.go)

	cellTypes map[string]string // type declarations of the cell (rewrite_results.go)
	varTypes  map[string]string // types of the names the cell declares (typeinfer.go)

	typeSpecs map[string]*ast.TypeSpec // the session's and the cell's types, parsed when needed (assert.go)
	variadics map[string]string        // variadic parameters of the cell's functions, as slice types (chanrange.go)
	unitFile  *ast.File                // the unit being rewritten (scopedtype.go)

	// Package-level names of the cell: those its statements define and
	// those its declarations define, and the variables whose values
	// topVarInits moved to init functions (generics_calls.go).
	stmtVars, declNames, initVars map[string]bool
}

// rewrite returns the item's text with the rewrites applied, and keeps the
// edits on the unit for outText.
// newRewriter prepares the rewrite of a cell's units.
func newRewriter(sc Scope, units []*unit, cell int, cellNames map[string]bool) *rewriter {
	s := newView(sc)
	defs, sessionNames := s.snapshot()
	r := &rewriter{
		s:    s,
		cell: cell,
		shadowed: func(name string) bool {
			return cellNames[name] || sessionNames[name]
		},
		ints:     map[string]bool{},
		handles:  map[string]bool{},
		renames:  map[*ast.Ident]string{},
		intTypes: map[string]bool{},
	}
	r.globals = s.globals()
	for name, v := range r.globals {
		if !v.IsValid() {
			continue
		}
		if isIntKind(v.Kind()) {
			r.ints[name] = true
		}
		if v.Type().String() == "*display.Handle" {
			r.handles[name] = true
		}
	}
	for _, d := range defs {
		if d.Kind == kindType && isIntTypeSource(d.Source) {
			r.intTypes[d.Name] = true
		}
	}
	r.funcs = map[string]funcType{}
	r.recovering = map[string]bool{}
	r.bound = map[*ast.DeferStmt]bool{}
	r.cellTypes = collectCellTypes(units)
	r.stmtVars, r.declNames, r.initVars = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, u := range units {
		for _, name := range u.defines {
			if u.isDecl() {
				r.declNames[name] = true
			} else {
				r.stmtVars[name] = true
			}
		}
	}
	for _, u := range units {
		r.collectNames(u.file)
		for _, d := range u.file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Body != nil && callsRecover(fd.Body) {
				r.recovering["."+fd.Name.Name] = true
			}
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				src := stmtOrDeclSource(u)
				r.funcs[fd.Name.Name] = funcType{fd.Type, src, int(u.file.FileStart)}
				if fd.Body != nil && callsRecover(fd.Body) {
					r.recovering[fd.Name.Name] = true
				}
			}
		}
	}
	r.methods = methodsOf(units, defs)
	r.defs = defs
	r.inferVarTypes(units)
	r.variadics = variadicParams(units)
	return r
}

func rewriteUnits(sc Scope, units []*unit, cell int, cellNames map[string]bool) {
	r := newRewriter(sc, units, cell, cellNames)
	for _, u := range units {
		if u.synthetic {
			u.out = u.src
			continue
		}
		renameMain(u)
		nameParams(u)
		r.unit(u)
		u.out = u.apply(0, len(u.src))
	}
}

// collectNames learns which names hold integers or display handles, by
// their declarations (a name-based approximation of type checking).
func (r *rewriter) collectNames(f *ast.File) {
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						if r.isInt(n.Rhs[i]) {
							r.ints[id.Name] = true
						}
						if isShowCall(n.Rhs[i]) {
							r.handles[id.Name] = true
						}
					}
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if n.Type != nil {
					if isIntType(n.Type) || r.isIntTypeName(n.Type) {
						r.ints[id.Name] = true
					}
				} else if len(n.Values) == len(n.Names) {
					if r.isInt(n.Values[i]) {
						r.ints[id.Name] = true
					}
					if isShowCall(n.Values[i]) {
						r.handles[id.Name] = true
					}
				}
			}
		case *ast.TypeSpec:
			if isIntType(n.Type) {
				r.intTypes[n.Name.Name] = true
			}
		case *ast.Field:
			if isIntType(n.Type) || r.isIntTypeName(n.Type) {
				for _, id := range n.Names {
					r.ints[id.Name] = true
				}
			}
		}
		return true
	})
}

func isIntKind(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

func isShowCall(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "display" && sel.Sel.Name == "Show"
}

var intTypes = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"uintptr": true, "byte": true, "rune": true,
}

func (r *rewriter) isIntTypeName(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && r.intTypes[id.Name]
}

// isIntTypeSource reports a definition "type N int" (or another integer).
func isIntTypeSource(src string) bool {
	f := strings.Fields(src)
	return len(f) == 3 && intTypes[f[2]]
}

func isIntType(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && intTypes[id.Name]
}

// isInt reports whether an expression is known to be an integer.
func (r *rewriter) isInt(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.INT || e.Kind == token.CHAR
	case *ast.Ident:
		return r.ints[e.Name]
	case *ast.ParenExpr:
		return r.isInt(e.X)
	case *ast.UnaryExpr:
		return r.isInt(e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.SHL, token.SHR:
			return r.isInt(e.X)
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR, token.AND_NOT:
			return r.isInt(e.X) || r.isInt(e.Y)
		}
	case *ast.CallExpr:
		switch f := e.Fun.(type) {
		case *ast.Ident:
			if f.Name == "len" || f.Name == "cap" || intTypes[f.Name] {
				return !r.shadowed(f.Name)
			}
			if r.intTypes[f.Name] && len(e.Args) == 1 {
				return true
			}
			if fn, ok := r.funcs[f.Name]; ok && !r.shadowedByVar(f.Name) {
				// a function of this cell with one integer result
				res := fn.ft.Results
				if fn.ft.TypeParams != nil || res == nil || len(res.List) != 1 || len(res.List[0].Names) > 1 {
					return false
				}
				t := fn.text(res.List[0].Type)
				return intTypes[t] || r.intTypes[t]
			}
			if t := r.s.resultType(f.Name); t != "" {
				return intTypes[t] || r.intTypes[t]
			}
			if (f.Name == "min" || f.Name == "max") && len(e.Args) > 0 {
				return r.isInt(e.Args[0])
			}
		case *ast.SelectorExpr:
			if x, ok := f.X.(*ast.Ident); ok && x.Name == "runtime" && (f.Sel.Name == "NumCPU" || f.Sel.Name == "NumGoroutine" || f.Sel.Name == "GOMAXPROCS") {
				return true
			}
		}
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		if !ok {
			return false
		}
		if x.Name == "math" && strings.HasPrefix(e.Sel.Name, "Max") && e.Sel.Name != "MaxFloat32" && e.Sel.Name != "MaxFloat64" {
			return true
		}
		// a field of a session variable, typed by reflection
		if v, ok := r.globals[x.Name]; ok && v.IsValid() {
			if v.Kind() == reflect.Pointer && !v.IsNil() {
				v = v.Elem()
			}
			if v.Kind() == reflect.Struct {
				if f := v.FieldByName(e.Sel.Name); f.IsValid() {
					return isIntKind(f.Kind())
				}
			}
		}
	}
	return false
}

func (u *unit) edit(off, end int, text string) {
	u.edits = append(u.edits, edit{off: off, end: end, text: text, seq: len(u.edits)})
}

// apply returns src[from:to] with the edits inside it applied.
func (u *unit) apply(from, to int) string {
	var es []edit
	for _, e := range u.edits {
		if e.off >= from && e.end <= to {
			es = append(es, e)
		}
	}
	if len(es) == 0 {
		return u.src[from:to]
	}
	// Apply from the end: at the same offset, replacements (which cover
	// text after the offset) before insertions, and insertions in reverse
	// order so that they come out in the order they were made.
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.off != b.off {
			return a.off > b.off
		}
		ai, bi := a.off == a.end, b.off == b.end
		if ai != bi {
			return !ai
		}
		return a.seq > b.seq
	})
	s := u.src[from:to]
	last := len(s) + 1
	for _, e := range es {
		if e.end-from > last {
			continue // overlapping edit: keep the first applied
		}
		s = s[:e.off-from] + e.text + s[e.end-from:]
		last = e.off - from
	}
	return s
}

// outText is the rewritten text of a node of the unit.
func (u *unit) outText(n ast.Node) string {
	return u.apply(u.offset(n.Pos()), u.offset(n.End()))
}

func (r *rewriter) unit(u *unit) {
	r.renames = map[*ast.Ident]string{}
	r.copies = nil
	r.unitFile = u.file
	r.interfaceLits(u)
	r.anyArgs(u)
	r.interfaceEquality(u)
	r.topLevelAsserts(u)
	r.errMethods(u)
	r.embeddedIfaceMethods(u)
	r.declaredOperands(u)
	r.loopClosures(u.file)
	r.deferredClosures(u)
	r.methodExprs(u)
	r.methodValues(u)
	r.iterTypes(u)
	var ranges []*ast.RangeStmt
	ast.Inspect(u.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.RangeStmt:
			ranges = append(ranges, n)
			// Before loopVars: the element's variable comes before its copies.
			r.chanSliceRange(u, n)
			r.loopVars(u, n.Body, rangeVars(n), nil)
			r.rangeAssign(u, n)
		case *ast.ForStmt:
			r.loopVars(u, n.Body, forVars(n), n.Post)
		case *ast.CommClause:
			// yaegi v0.16.1 stores every receive of "case v := <-ch" in
			// one variable: a closure of the case body gets its own copy,
			// as for a loop variable.
			if as, ok := n.Comm.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				var vars []*ast.Ident
				for _, e := range as.Lhs {
					if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
						vars = append(vars, id)
					}
				}
				r.loopVars(u, &ast.BlockStmt{Lbrace: n.Colon, List: n.Body}, vars, nil)
			}
		case *ast.TypeSwitchStmt:
			// Likewise the variable a type switch binds.
			if as, ok := n.Assign.(*ast.AssignStmt); ok && len(as.Lhs) == 1 {
				if id, ok := as.Lhs[0].(*ast.Ident); ok && id.Name != "_" {
					for _, c := range n.Body.List {
						cc := c.(*ast.CaseClause)
						r.loopVars(u, &ast.BlockStmt{Lbrace: cc.Colon, List: cc.Body}, []*ast.Ident{id}, nil)
					}
				}
			}
		case *ast.CallExpr:
			r.call(u, n)
		case *ast.GoStmt:
			r.goStmt(u, n)
		}
		return true
	})
	for id, name := range r.renames {
		u.edit(u.offset(id.Pos()), u.offset(id.End()), name)
	}
	for _, c := range r.copies {
		at := u.offset(c.lbrace) + 1
		u.edit(at, at, c.text)
	}
	r.minMaxDefines(u)
	r.skipDefersOnExit(u)
	r.bindArgs(u)
	// After the edits inside their headers, which the new header includes.
	for _, n := range ranges {
		if !r.rangeFunc(u, n) {
			r.rangeInt(u, n)
		}
	}
	for _, st := range u.stmts {
		if needsFuncScope(st) {
			u.edit(u.offset(st.Pos()), u.offset(st.Pos()), "func() { ")
			u.edit(u.offset(st.End()), u.offset(st.End()), " }()")
		}
	}
	r.typeSwitches(u)
	r.interfaceAsserts(u)
	hideUnexportedFields(u)
	r.stringerSlices(u)
	r.loopScopes(u)
	r.ownFrameFuncLits(u)
	r.selectBranches(u)
	r.topVarInits(u)
	r.indexTupleAssign(u) // last: it leaves a left side that others edit
}

// needsFuncScope reports whether a top-level compound statement declares
// several names at once in a nested block ("z, err := f()" inside an if
// or a loop body, or "var a, b = f()"). yaegi v0.16.1 loses such names at
// the package level ("undefined: z") but not inside a function, so the
// statement runs in a function literal called in place: the names it
// declares are local to it anyway, and session variables are reached as
// globals.
func needsFuncScope(st ast.Stmt) bool {
	if _, ok := st.(*ast.BlockStmt); ok {
		// A bare block declares nothing outside itself; at package level
		// yaegi v0.16.1 also crashes on "{ var a [3]float64; a[1] = f() }".
		return true
	}
	switch st.(type) {
	case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt,
		*ast.TypeSwitchStmt, *ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt:
	default:
		return false
	}
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && len(n.Lhs) > 1 {
				found = true
			}
		case *ast.ValueSpec:
			if len(n.Names) > 1 {
				found = true
			}
		}
		return !found
	})
	return found
}

// rangeInt rewrites "for k := range n" with an integer n.
func (r *rewriter) rangeInt(u *unit, n *ast.RangeStmt) {
	if n.Value != nil || n.Tok == token.ASSIGN || !r.isInt(n.X) {
		return // (rangeAssign takes "for i = range n")
	}
	r.loops++
	end := fmt.Sprintf("_spinlabEnd%d", r.loops)
	x := u.outText(n.X)
	key := "_spinlabI" + fmt.Sprint(r.loops)
	if id, ok := n.Key.(*ast.Ident); ok && id.Name != "_" {
		key = r.name(id)
	}
	zero := "0"
	switch e := n.X.(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.BasicLit:
		// the same type as n (a named integer type stays itself)
		zero = "(" + x + ")-(" + x + ")"
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && (r.intTypes[id.Name] || intTypes[id.Name]) {
			zero = id.Name + "(0)"
		} else if ok && !r.shadowedByVar(id.Name) {
			// a function's declared named result: for i := range size()
			// with size() Count makes i a Count, as in Go
			if t := r.namedResult(id.Name); t != "" && !strings.HasPrefix(t, "(") {
				zero = t + "(0)"
			}
		}
	}
	var head string
	if n.Tok == token.ASSIGN && n.Key != nil {
		// no new variable may be declared here: n is evaluated each iteration
		head = fmt.Sprintf("for %s = %s; %s < %s; %s++ ", u.outText(n.Key), zero, u.outText(n.Key), x, u.outText(n.Key))
	} else {
		head = fmt.Sprintf("for %s, %s := %s, %s; %s < %s; %s++ ", key, end, zero, x, key, end, key)
	}
	// Replace "for ... range x " up to the body's brace; inner edits of x
	// are already in its text.
	from, to := u.offset(n.For), u.offset(n.Body.Lbrace)
	u.dropEdits(from, to)
	u.edit(from, to, head)
}

// dropEdits forgets edits inside [from, to) that a replacement supersedes.
func (u *unit) dropEdits(from, to int) {
	kept := u.edits[:0]
	for _, e := range u.edits {
		if e.off >= from && e.end <= to {
			continue
		}
		kept = append(kept, e)
	}
	u.edits = kept
}

func rangeVars(n *ast.RangeStmt) []*ast.Ident {
	if n.Tok != token.DEFINE {
		return nil
	}
	var vars []*ast.Ident
	for _, e := range []ast.Expr{n.Key, n.Value} {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
			vars = append(vars, id)
		}
	}
	return vars
}

func forVars(n *ast.ForStmt) []*ast.Ident {
	as, ok := n.Init.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return nil
	}
	var vars []*ast.Ident
	for _, e := range as.Lhs {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
			vars = append(vars, id)
		}
	}
	return vars
}

// loopVars gives each iteration its own copy of the loop variables when
// the body captures them (a closure or a go statement): the body uses a
// fresh variable, declared from the loop variable at its top. (yaegi
// v0.16.1 mishandles the idiom "i := i", so the copy gets a new name and
// the body is renamed consistently.) A three-clause loop whose body
// assigns its variable keeps the old semantics.
func (r *rewriter) loopVars(u *unit, body *ast.BlockStmt, decls []*ast.Ident, post ast.Stmt) {
	if len(decls) == 0 || body == nil {
		return
	}
	captures := false
	assigned := map[string]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt:
			captures = true
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						assigned[id.Name] = true
					}
				}
			}
		case *ast.IncDecStmt:
			if id, ok := n.X.(*ast.Ident); ok {
				assigned[id.Name] = true
			}
		case *ast.UnaryExpr:
			if id, ok := n.X.(*ast.Ident); ok && n.Op == token.AND {
				assigned[id.Name] = true
			}
		}
		return true
	})
	if !captures {
		return
	}
	skip := nonVariableIdents(body)
	var copies []string
	for _, d := range decls {
		v := d.Name
		if post != nil && assigned[v] {
			continue
		}
		r.loops++
		fresh := fmt.Sprintf("_spinlabL%d_%s", r.loops, v)
		ast.Inspect(body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == v && !skip[id] {
				r.renames[id] = fresh
			}
			return true
		})
		copies = append(copies, fresh+" := "+r.name(d)+";")
	}
	if len(copies) == 0 {
		return
	}
	r.copies = append(r.copies, loopCopy{body.Lbrace, " " + strings.Join(copies, " ")})
}

// loopCopy is the declaration of per-iteration copies at the top of a body.
type loopCopy struct {
	lbrace token.Pos
	text   string
}

// name is the final name of an identifier after renaming.
func (r *rewriter) name(id *ast.Ident) string {
	if n, ok := r.renames[id]; ok {
		return n
	}
	return id.Name
}

// nonVariableIdents lists identifiers that are never variables: selected
// names, struct field names and keys, labels.
func nonVariableIdents(root ast.Node) map[*ast.Ident]bool {
	skip := map[*ast.Ident]bool{}
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			skip[n.Sel] = true
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok {
				skip[id] = true
			}
		case *ast.StructType:
			for _, f := range n.Fields.List {
				for _, id := range f.Names {
					skip[id] = true
				}
			}
		case *ast.InterfaceType:
			for _, f := range n.Methods.List {
				for _, id := range f.Names {
					skip[id] = true
				}
			}
		case *ast.LabeledStmt:
			skip[n.Label] = true
		case *ast.BranchStmt:
			if n.Label != nil {
				skip[n.Label] = true
			}
		}
		return true
	})
	return skip
}

// call rewrites built-ins of newer Go and display calls.
func (r *rewriter) call(u *unit, n *ast.CallExpr) {
	r.resultConversions(u, n)
	r.instantiate(u, n)
	r.newExpr(u, n)
	r.minMaxConst(u, n)
	switch f := n.Fun.(type) {
	case *ast.Ident:
		if r.shadowed(f.Name) {
			return
		}
		var repl string
		switch f.Name {
		case "min":
			repl = "_spinlabMin"
		case "max":
			repl = "_spinlabMax"
		case "clear":
			repl = rtName + ".Clear"
		default:
			return
		}
		u.edit(u.offset(f.Pos()), u.offset(f.End()), repl)
	case *ast.SelectorExpr:
		r.logCall(u, n, f)
		wrap := false
		if x, ok := f.X.(*ast.Ident); ok {
			switch {
			case x.Name == "display" && f.Sel.Name == "Show" && !r.shadowed("display"):
				wrap = true
			case f.Sel.Name == "Update" && r.handles[x.Name]:
				wrap = true
			}
		} else if f.Sel.Name == "Update" && isShowCall(f.X) {
			wrap = true
		}
		if wrap && len(n.Args) == 1 && !n.Ellipsis.IsValid() {
			a := n.Args[0]
			u.edit(u.offset(a.Pos()), u.offset(a.Pos()), richFunc+"(")
			u.edit(u.offset(a.End()), u.offset(a.End()), ")")
		}
	}
}

// goStmt makes a goroutine report its panic instead of killing the process.
func (r *rewriter) goStmt(u *unit, n *ast.GoStmt) {
	// The goroutine learns which cell started it (the cell running when
	// the go statement runs, which may be later than the cell that
	// defined the function holding it) through an extra first parameter.
	line, col := u.cellLineCol(n.Pos())
	guard := fmt.Sprintf(" defer func() { if _spinlabR := recover(); _spinlabR != nil { %s.GoPanic(_spinlabCell, _spinlabR, %d, %d) } }();", rtName, lineOf(r.cell, line), col)
	cellArg := rtName + ".Cell()"
	if lit, ok := n.Call.Fun.(*ast.FuncLit); ok {
		open := u.offset(lit.Type.Params.Opening) + 1
		sep := ""
		if len(lit.Type.Params.List) > 0 {
			sep = ", "
		}
		u.edit(open, open, "_spinlabCell int"+sep)
		lparen := u.offset(n.Call.Lparen) + 1
		sep = ""
		if len(n.Call.Args) > 0 {
			sep = ", "
		}
		u.edit(lparen, lparen, cellArg+sep)
		at := u.offset(lit.Body.Lbrace) + 1
		u.edit(at, at, guard)
		if r.loopGos[n] {
			// In a loop: "g := []func() T{func() T { return LIT }}[0](); go g(args)"
			// (loopscope.go). The function is read from a variable: the
			// function expression of a go statement, when it is a call,
			// is evaluated in the new goroutine.
			typ := u.outText(lit.Type)
			g := r.goName()
			u.edit(u.offset(n.Pos()), u.offset(lit.Pos()), g+" := []func() "+typ+"{func() "+typ+" { return ")
			u.edit(u.offset(lit.End()), u.offset(lit.End()), " }}[0](); go "+g)
		}
		return
	}
	// go f(x) becomes go func(cell int) { guard; f(x) }(cell): the
	// arguments are evaluated in the new goroutine rather than before it
	// starts.
	start, end := u.offset(n.Call.Pos()), u.offset(n.Call.End())
	if r.loopGos[n] {
		g := r.goName()
		u.edit(u.offset(n.Pos()), start, g+" := []func() func(int){func() func(int) { return func(_spinlabCell int) {"+guard+" ")
		u.edit(end, end, " } }}[0](); go "+g+"("+cellArg+")")
		return
	}
	u.edit(start, start, "func(_spinlabCell int) {"+guard+" ")
	u.edit(end, end, " }("+cellArg+")")
}

// goName is a fresh name for the function of a go statement in a loop.
func (r *rewriter) goName() string {
	r.loops++
	return fmt.Sprintf("_spinlabG%d", r.loops)
}

// rangeAssign rewrites "for k, v = range x" (assigning to existing
// variables), which yaegi v0.16.1 runs without ever updating a variable
// declared outside a function, into a loop over fresh variables that
// assigns them at the top of the body: "for k_, v_ := range x { k, v =
// k_, v_; ...". The variables end the loop with the last values, as in Go.
func (r *rewriter) rangeAssign(u *unit, n *ast.RangeStmt) {
	if n.Tok != token.ASSIGN || n.Key == nil {
		return
	}
	r.loops++
	k := fmt.Sprintf("_spinlabK%d", r.loops)
	if n.Value == nil && r.isInt(n.X) {
		// for i = range n: a three-clause loop over a fresh counter of
		// n's type, n evaluated before the loop as range does.
		x, end := u.outText(n.X), fmt.Sprintf("_spinlabEnd%d", r.loops)
		u.edit(u.offset(n.Key.Pos()), u.offset(n.Body.Lbrace),
			fmt.Sprintf("%s, %s := (%s)*0, (%s); %s < %s; %s++ ", k, end, x, x, k, end, k))
		at := u.offset(n.Body.Lbrace) + 1
		u.edit(at, at, " "+u.outText(n.Key)+" = "+k+";")
		return
	}
	lhs, rhs := u.outText(n.Key), k
	header := k
	if n.Value != nil {
		v := fmt.Sprintf("_spinlabV%d", r.loops)
		lhs += ", " + u.outText(n.Value)
		rhs += ", " + v
		header += ", " + v
	}
	u.edit(u.offset(n.Key.Pos()), u.offset(n.X.Pos()), header+" := range ")
	at := u.offset(n.Body.Lbrace) + 1
	u.edit(at, at, " "+lhs+" = "+rhs+";")
}
