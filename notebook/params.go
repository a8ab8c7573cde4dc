package notebook

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Param is a parameter of a run: a variable name and the value it gets.
type Param struct {
	Name string
	// Value is Go source for the value: a number, true or false, or a
	// quoted string. ParseParam makes it from what a user typed.
	Value string
}

// ParseParam parses "name=value" as typed on a command line. A value that
// is a Go number literal, true, false or a quoted Go string is kept as
// written; anything else becomes a Go string, so `-p mode=thread` and
// `-p mode='"thread"'` mean the same.
func ParseParam(s string) (Param, error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok {
		return Param{}, fmt.Errorf("parameter %q: want name=value", s)
	}
	if !token.IsIdentifier(name) || name == "_" {
		return Param{}, fmt.Errorf("parameter %q: %q is not a Go variable name", s, name)
	}
	return Param{Name: name, Value: goValue(value)}, nil
}

// goValue returns the Go expression for a value typed on a command line.
func goValue(s string) string {
	t := strings.TrimSpace(s)
	expr, err := parser.ParseExpr(t)
	if err == nil {
		if u, ok := expr.(*ast.UnaryExpr); ok && (u.Op == token.SUB || u.Op == token.ADD) {
			expr = u.X
		}
		switch e := expr.(type) {
		case *ast.BasicLit:
			switch e.Kind {
			case token.INT, token.FLOAT, token.IMAG:
				return t
			case token.STRING:
				if t[0] != '-' && t[0] != '+' {
					return t
				}
			}
		case *ast.Ident:
			if t == "true" || t == "false" {
				return t
			}
		}
	}
	return strconv.Quote(s)
}

// Tags of the parameters cells, as papermill names them.
const (
	ParametersTag         = "parameters"
	InjectedParametersTag = "injected-parameters"
)

// Parameterize injects params as papermill does: a code cell tagged
// "injected-parameters" that assigns them, right after the cell tagged
// "parameters" (or first, when there is none). An injected cell from an
// earlier run is replaced.
//
// A parameter that the parameters cell declares (var, :=) is assigned
// (name = value), so that it keeps the declared type; any other is
// declared (var name = value). Parameterize returns the names of those,
// which may be typos for a caller to warn about.
func (nb *Notebook) Parameterize(params []Param) (undeclared []string) {
	if len(params) == 0 {
		return nil
	}
	nb.Cells = slices.DeleteFunc(nb.Cells, func(c *Cell) bool {
		return c.Type == Code && c.HasTag(InjectedParametersTag)
	})
	at := 0
	var declared map[string]bool
	for i, c := range nb.Cells {
		if c.Type == Code && c.HasTag(ParametersTag) {
			at = i + 1
			declared = declaredNames(c.Source)
			break
		}
	}
	var src strings.Builder
	src.WriteString("// Parameters injected by spinlab run.\n")
	for i, p := range params {
		if i > 0 {
			src.WriteString("\n")
		}
		if declared[p.Name] {
			fmt.Fprintf(&src, "%s = %s", p.Name, p.Value)
		} else {
			fmt.Fprintf(&src, "var %s = %s", p.Name, p.Value)
			undeclared = append(undeclared, p.Name)
		}
	}
	cell := NewCode(src.String())
	cell.Metadata["tags"] = []any{InjectedParametersTag}
	nb.Cells = slices.Insert(nb.Cells, at, cell)
	return undeclared
}

// declLine matches a line that declares variables: "var x" or "x, y :=".
var declLine = regexp.MustCompile(`(?m)^\s*(?:var\s+(\w+)|(\w+(?:\s*,\s*\w+)*)\s*:=)`)

// declaredNames returns the variables that a cell declares at its top
// level, with var or :=. A cell may hold declarations or statements, so it
// is parsed as a file and, failing that, as a function body.
func declaredNames(src string) map[string]bool {
	names := map[string]bool{}
	fset := token.NewFileSet()
	addSpecs := func(d *ast.GenDecl) {
		if d.Tok != token.VAR {
			return
		}
		for _, s := range d.Specs {
			for _, n := range s.(*ast.ValueSpec).Names {
				names[n.Name] = true
			}
		}
	}
	if f, err := parser.ParseFile(fset, "", "package p\n"+src, parser.SkipObjectResolution); err == nil {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok {
				addSpecs(g)
			}
		}
		return names
	}
	f, err := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+src+"\n}", parser.SkipObjectResolution)
	if err != nil || len(f.Decls) == 0 {
		// A cell that mixes imports with statements: go by lines.
		for _, m := range declLine.FindAllStringSubmatch(src, -1) {
			for _, n := range strings.Split(m[1]+m[2], ",") {
				names[strings.TrimSpace(n)] = true
			}
		}
		return names
	}
	fn, ok := f.Decls[len(f.Decls)-1].(*ast.FuncDecl)
	if !ok || fn.Body == nil {
		return names
	}
	for _, st := range fn.Body.List {
		switch st := st.(type) {
		case *ast.DeclStmt:
			if g, ok := st.Decl.(*ast.GenDecl); ok {
				addSpecs(g)
			}
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						names[id.Name] = true
					}
				}
			}
		}
	}
	return names
}
