package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"

	"github.com/spinlab/spinlab/display"
)

// DeclScope is a Scope made of Go declarations, with no interpreter
// behind it: what a session would hold after a cell that declared them.
// Every import, type, func, method, const and var is a definition; a var
// or const has a value (its zero value) when its declared type is int,
// int64, uint8, float64, string, bool, error, []int, []string,
// map[string]int, chan int, []chan int or *display.Handle, and is a
// global whose value cannot be read otherwise (as the value of an
// interpreted struct type often cannot).
type DeclScope struct {
	defs    []Definition
	globals map[string]reflect.Value
}

// declTypes are the types of the variables and constants of a DeclScope
// that have a value, by their source.
var declTypes = map[string]reflect.Type{
	"int":             reflect.TypeFor[int](),
	"int64":           reflect.TypeFor[int64](),
	"uint8":           reflect.TypeFor[uint8](),
	"float64":         reflect.TypeFor[float64](),
	"string":          reflect.TypeFor[string](),
	"bool":            reflect.TypeFor[bool](),
	"error":           reflect.TypeFor[error](),
	"[]int":           reflect.TypeFor[[]int](),
	"[]string":        reflect.TypeFor[[]string](),
	"map[string]int":  reflect.TypeFor[map[string]int](),
	"chan int":        reflect.TypeFor[chan int](),
	"[]chan int":      reflect.TypeFor[[]chan int](),
	"*display.Handle": reflect.TypeFor[*display.Handle](),
}

// NewDeclScope reads Go declarations (without a package clause) as a
// scope. Every var and const must declare its type.
func NewDeclScope(decls string) (*DeclScope, error) {
	s := &DeclScope{globals: map[string]reflect.Value{}}
	src := "package main\n" + decls
	f, err := parser.ParseFile(token.NewFileSet(), "scope", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	off := int(f.FileStart)
	text := func(n ast.Node) string { return src[int(n.Pos())-off : int(n.End())-off] }
	add := func(kind, name, src string) {
		s.defs = append(s.defs, Definition{Kind: kind, Name: name, Source: src})
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil && len(d.Recv.List) == 1 {
				name = recvTypeName(d.Recv.List[0].Type) + "." + name
			}
			add(kindFunc, name, text(d))
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.ImportSpec:
					add(kindImport, importName(sp), "import "+text(sp))
				case *ast.TypeSpec:
					add(kindType, sp.Name.Name, "type "+text(sp))
				case *ast.ValueSpec:
					if sp.Type == nil {
						return nil, fmt.Errorf("%s: declare the type of every var and const of a scope", text(sp))
					}
					typ := text(sp.Type)
					for _, n := range sp.Names {
						if d.Tok == token.CONST {
							add(kindConst, n.Name, text(d))
						} else {
							add(kindVar, n.Name, "var "+n.Name+" "+typ)
						}
						s.globals[n.Name] = reflect.Value{}
						if rt, ok := declTypes[typ]; ok {
							s.globals[n.Name] = reflect.New(rt).Elem()
						}
					}
				}
			}
		}
	}
	return s, nil
}

// Definitions returns the scope's definitions, in the order declared.
func (s *DeclScope) Definitions() []Definition { return append([]Definition(nil), s.defs...) }

// Globals returns the scope's variables and constants.
func (s *DeclScope) Globals() map[string]reflect.Value { return s.globals }

// TypeName returns "": the struct types of a DeclScope have no values.
func (s *DeclScope) TypeName(reflect.Type) string { return "" }
