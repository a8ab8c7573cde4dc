package complete

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// cellScope holds the names that the cell being edited declares before
// the cursor and that are in scope there: completion knows them before
// the cell ran (`sm := sync.Map{}` then `sm.` on the next line).
type cellScope struct {
	names   map[string]*localName
	methods map[string]map[string]*ast.FuncDecl // type -> method -> declaration
}

// localName is one name the cell declares.
type localName struct {
	kind string        // kindVar, kindConst, kindType or kindFunc
	typ  ast.Expr      // the declared type; for a func, its *ast.FuncType
	init ast.Expr      // the initialiser, when typ is not written
	spec *ast.TypeSpec // for a type
	// index is which value of init the name takes (x, err := f()).
	index int
	// rangeKey and rangeValue: the name is the key or value of a range
	// over init.
	rangeKey, rangeValue bool
}

// marker stands in for the expression at the cursor, so that the text
// before it parses: brackets still open are closed after it.
const marker = "_spinlabCursor"

// scanCell returns the names in scope at byte offset at of code. It parses
// code[:at] with the brackets left open closed, item by item, so that a
// broken earlier statement costs only its own names.
func scanCell(code string, at int) *cellScope {
	sc := &cellScope{names: map[string]*localName{}, methods: map[string]map[string]*ast.FuncDecl{}}
	if m, ok, _ := parseMagic(code); ok && m.Name == "spin" {
		// a %%spin body is a snippet that sees worker and workers
		intType := ast.NewIdent("int")
		sc.names["worker"] = &localName{kind: kindVar, typ: intType}
		sc.names["workers"] = &localName{kind: kindVar, typ: intType}
		off := len(code) - len(m.Body)
		if at < off {
			return sc
		}
		code, at = strings.Repeat("\n", strings.Count(code[:off], "\n"))+m.Body, at-off+strings.Count(code[:off], "\n")
	}
	text := code[:at]
	patched := text + "\n" + marker + closers(text)
	items, err := splitCell(patched)
	if err != nil {
		return sc
	}
	for _, it := range items {
		if it.IsDecl() {
			f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+it.Src(), parser.SkipObjectResolution)
			if err != nil || f == nil {
				continue
			}
			for _, d := range f.Decls {
				sc.declare(d)
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && strings.Contains(it.Src(), marker) {
					sc.params(fd.Recv)
					sc.params(fd.Type.Params)
					sc.params(fd.Type.Results)
					sc.walk(fd.Body.List)
				}
			}
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+it.Src()+"\n}", parser.SkipObjectResolution)
		if err != nil || f == nil || len(f.Decls) != 1 {
			continue
		}
		if fd, ok := f.Decls[0].(*ast.FuncDecl); ok && fd.Body != nil {
			sc.walk(fd.Body.List)
		}
	}
	return sc
}

// closers returns the brackets that close those left open in text, on
// one line (a newline after a brace would end the statement before a
// parenthesis that follows it).
func closers(text string) string {
	var sc scanner.Scanner
	fset := token.NewFileSet()
	sc.Init(fset.AddFile("", -1, len(text)), []byte(text), func(token.Position, string) {}, 0)
	var open []byte
	for {
		_, tok, _ := sc.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN:
			open = append(open, ')')
		case token.LBRACK:
			open = append(open, ']')
		case token.LBRACE:
			open = append(open, '}')
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
	var b strings.Builder
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteByte(open[i])
	}
	return b.String()
}

// containsMarker reports whether n contains the cursor marker.
func containsMarker(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == marker {
			found = true
		}
		return !found
	})
	return found
}

// walk declares the names of the statements before the marker, and
// descends into the statement that holds it.
func (sc *cellScope) walk(list []ast.Stmt) {
	for _, st := range list {
		if containsMarker(st) {
			sc.descend(st)
			return
		}
		sc.declareStmt(st)
	}
}

func (sc *cellScope) declareStmt(st ast.Stmt) {
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok != token.DEFINE {
			return
		}
		for i, l := range st.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok || id.Name == "_" {
				continue
			}
			ln := &localName{kind: kindVar}
			switch {
			case len(st.Rhs) == len(st.Lhs):
				ln.init = st.Rhs[i]
			case len(st.Rhs) == 1:
				ln.init, ln.index = st.Rhs[0], i
			}
			sc.names[id.Name] = ln
		}
	case *ast.DeclStmt:
		sc.declare(st.Decl)
	case *ast.LabeledStmt:
		sc.declareStmt(st.Stmt)
	}
}

// declare records the names of a declaration.
func (sc *cellScope) declare(d ast.Decl) {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			sc.names[d.Name.Name] = &localName{kind: kindFunc, typ: d.Type}
			return
		}
		if len(d.Recv.List) == 1 {
			recv := embeddedName(d.Recv.List[0].Type)
			if sc.methods[recv] == nil {
				sc.methods[recv] = map[string]*ast.FuncDecl{}
			}
			sc.methods[recv][d.Name.Name] = d
		}
	case *ast.GenDecl:
		for _, sp := range d.Specs {
			switch sp := sp.(type) {
			case *ast.TypeSpec:
				sc.names[sp.Name.Name] = &localName{kind: kindType, spec: sp}
			case *ast.ValueSpec:
				kind := kindVar
				if d.Tok == token.CONST {
					kind = kindConst
				}
				for i, n := range sp.Names {
					if n.Name == "_" {
						continue
					}
					ln := &localName{kind: kind, typ: sp.Type}
					switch {
					case sp.Type != nil:
					case len(sp.Values) == len(sp.Names):
						ln.init = sp.Values[i]
					case len(sp.Values) == 1:
						ln.init, ln.index = sp.Values[0], i
					}
					sc.names[n.Name] = ln
				}
			}
		}
	}
}

// params declares a function's parameters.
func (sc *cellScope) params(fl *ast.FieldList) {
	if fl == nil {
		return
	}
	for _, f := range fl.List {
		for _, n := range f.Names {
			t := f.Type
			if e, ok := t.(*ast.Ellipsis); ok {
				t = &ast.ArrayType{Elt: e.Elt}
			}
			sc.names[n.Name] = &localName{kind: kindVar, typ: t}
		}
	}
}

// descend enters the statement that holds the marker.
func (sc *cellScope) descend(st ast.Stmt) {
	in := func(n ast.Node) bool { return n != nil && containsMarker(n) }
	init := func(s ast.Stmt) {
		if s != nil && !in(s) {
			sc.declareStmt(s)
		}
	}
	switch st := st.(type) {
	case *ast.BlockStmt:
		sc.walk(st.List)
		return
	case *ast.IfStmt:
		init(st.Init)
		switch {
		case in(st.Body):
			sc.walk(st.Body.List)
			return
		case in(st.Else):
			sc.descend(st.Else)
			return
		}
	case *ast.ForStmt:
		init(st.Init)
		if in(st.Body) {
			sc.walk(st.Body.List)
			return
		}
	case *ast.RangeStmt:
		if in(st.Body) {
			if st.Tok == token.DEFINE {
				if id, ok := st.Key.(*ast.Ident); ok && id.Name != "_" {
					sc.names[id.Name] = &localName{kind: kindVar, init: st.X, rangeKey: true}
				}
				if id, ok := st.Value.(*ast.Ident); ok && id.Name != "_" {
					sc.names[id.Name] = &localName{kind: kindVar, init: st.X, rangeValue: true}
				}
			}
			sc.walk(st.Body.List)
			return
		}
	case *ast.SwitchStmt:
		init(st.Init)
		for _, c := range st.Body.List {
			if cc, ok := c.(*ast.CaseClause); ok && in(cc) {
				sc.walk(cc.Body)
				return
			}
		}
	case *ast.TypeSwitchStmt:
		init(st.Init)
		for _, c := range st.Body.List {
			cc, ok := c.(*ast.CaseClause)
			if !ok || !in(cc) {
				continue
			}
			if as, ok := st.Assign.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(cc.List) == 1 {
				if id, ok := as.Lhs[0].(*ast.Ident); ok {
					sc.names[id.Name] = &localName{kind: kindVar, typ: cc.List[0]}
				}
			}
			sc.walk(cc.Body)
			return
		}
	case *ast.SelectStmt:
		for _, c := range st.Body.List {
			cc, ok := c.(*ast.CommClause)
			if !ok || !in(cc) {
				continue
			}
			init(cc.Comm)
			sc.walk(cc.Body)
			return
		}
	case *ast.LabeledStmt:
		sc.descend(st.Stmt)
		return
	}
	// Any other statement: the function literal around the marker, if any.
	var lit *ast.FuncLit
	ast.Inspect(st, func(n ast.Node) bool {
		if fl, ok := n.(*ast.FuncLit); ok && in(fl.Body) {
			lit = fl
			return false
		}
		return true
	})
	if lit != nil {
		sc.params(lit.Type.Params)
		sc.params(lit.Type.Results)
		sc.walk(lit.Body.List)
	}
}
