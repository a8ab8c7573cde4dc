package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"strings"
	"unicode/utf8"
)

// yaegi v0.16.1 resolves the name of a type declared inside a function
// to the package-level type of the same name when there is one, so that
//
//	type Item int
//	func g() {
//		type Item string
//		var x Item = "s" // cannot convert "s" to int
//	}
//
// fails, where Go's local declaration shadows the package's. A local type
// that shadows a type of the session or of the cell gets a name of its
// own, in its declaration and wherever it is in scope:
//
//	type Item string; var x Item = "s"  →  type I000 string; var x I000 = "s"
//
// The unit is parsed again from the renamed source, so that the other
// rewrites read the local type by its new name. The new name has the
// length of the old one (its first letter, then digits; another letter
// for a one-letter name) and is no name of the unit or the session, so
// that every offset in the unit, and with it every position the session
// reports in the cell, stays where it was; the unit's Src is still the
// cell's text, which the type checker reads (its messages name the type
// as the cell does). A type for which no such name is free keeps its
// name.

// renameLocalTypes renames the local types of the units that shadow a
// type of the session (defs) or a type the cell declares, and returns the
// units, parsed again where they changed.
func renameLocalTypes(units []*unit, defs []Definition) []*unit {
	globals := map[string]bool{}
	used := map[string]bool{} // the names a new name must not be
	for _, d := range defs {
		if d.Kind == kindType {
			globals[d.Name] = true
		}
		name, _, _ := strings.Cut(d.Name, ".")
		used[name] = true
	}
	for name := range collectCellTypes(units) {
		globals[name] = true
	}
	if len(globals) == 0 {
		return units
	}
	for _, u := range units {
		ast.Inspect(u.file, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
	}
	for i, u := range units {
		lt := &localTypes{u: u, globals: globals, used: used}
		ast.Inspect(u.file, func(node ast.Node) bool {
			switch node := node.(type) {
			case *ast.FuncDecl:
				if node.Body != nil && u.isDecl() {
					lt.walk(node.Body.List, nil)
				} else if node.Body != nil {
					// The statements of a statement unit are package-level
					// code to yaegi: only their function literals count.
					for _, st := range node.Body.List {
						lt.funcLits(st)
					}
				}
				return false
			}
			return true
		})
		if len(u.edits) == 0 {
			continue
		}
		it := u.item
		it.cellSrc = u.src
		it.src = u.apply(0, len(u.src))
		nu, err := parseUnit(it)
		if err != nil {
			u.edits = nil
			continue
		}
		nu.defines, nu.hoist = u.defines, u.hoist
		units[i] = nu
	}
	return units
}

type localTypes struct {
	u       *unit
	globals map[string]bool
	used    map[string]bool
}

// fresh returns an unused name of the length of name, or "".
func (lt *localTypes) fresh(name string) string {
	var candidates []string
	if len(name) == 1 {
		for c := 'A'; c <= 'z'; c++ {
			if c <= 'Z' || c >= 'a' {
				candidates = append(candidates, string(c))
			}
		}
	} else if name[0] < utf8.RuneSelf {
		limit := 1
		for range len(name) - 1 {
			limit *= 10
			if limit > 10000 {
				break
			}
		}
		for k := range limit {
			candidates = append(candidates, fmt.Sprintf("%c%0*d", name[0], len(name)-1, k))
		}
	}
	for _, c := range candidates {
		if !lt.used[c] && !lt.globals[c] && types.Universe.Lookup(c) == nil {
			lt.used[c] = true
			return c
		}
	}
	return ""
}

// funcLits walks the bodies of the function literals in node.
func (lt *localTypes) funcLits(node ast.Node) {
	ast.Inspect(node, func(n ast.Node) bool {
		if fl, ok := n.(*ast.FuncLit); ok {
			lt.walk(fl.Body.List, nil)
			return false
		}
		return true
	})
}

// walk renames in a list of statements of one block, in order: a type
// declaration that shadows a package-level type starts a new name for the
// rest of the block, a variable or constant declaration of the name ends
// it.
func (lt *localTypes) walk(list []ast.Stmt, env map[string]string) {
	env = maps.Clone(env)
	if env == nil {
		env = map[string]string{}
	}
	for _, st := range list {
		switch st := st.(type) {
		case *ast.DeclStmt:
			gd, ok := st.Decl.(*ast.GenDecl)
			if !ok {
				lt.rename(st, env)
				continue
			}
			if gd.Tok == token.TYPE {
				for _, sp := range gd.Specs {
					ts := sp.(*ast.TypeSpec)
					fresh := ""
					if lt.globals[ts.Name.Name] {
						fresh = lt.fresh(ts.Name.Name)
					}
					if fresh != "" {
						env[ts.Name.Name] = fresh
						lt.u.edit(lt.u.offset(ts.Name.Pos()), lt.u.offset(ts.Name.End()), fresh)
					} else {
						delete(env, ts.Name.Name)
					}
					if ts.TypeParams != nil {
						lt.rename(ts.TypeParams, env)
					}
					lt.rename(ts.Type, env)
				}
				continue
			}
			for _, sp := range gd.Specs {
				vs, ok := sp.(*ast.ValueSpec)
				if !ok {
					continue
				}
				if vs.Type != nil {
					lt.rename(vs.Type, env)
				}
				for _, v := range vs.Values {
					lt.rename(v, env)
				}
				for _, id := range vs.Names {
					delete(env, id.Name)
				}
			}
		case *ast.AssignStmt:
			for _, r := range st.Rhs {
				lt.rename(r, env)
			}
			for _, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); ok && st.Tok == token.DEFINE {
					delete(env, id.Name)
				} else {
					lt.rename(l, env)
				}
			}
		default:
			lt.rename(st, env)
		}
	}
}

// rename renames the uses of env's names in node, entering its blocks.
func (lt *localTypes) rename(node ast.Node, env map[string]string) {
	ast.Inspect(node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			lt.walk(n.List, env)
			return false
		case *ast.CaseClause:
			for _, e := range n.List {
				lt.rename(e, env)
			}
			lt.walk(n.Body, env)
			return false
		case *ast.CommClause:
			if n.Comm != nil {
				lt.walk([]ast.Stmt{n.Comm}, env)
			}
			lt.walk(n.Body, env)
			return false
		case *ast.FuncLit:
			lt.rename(n.Type, env)
			inner := maps.Clone(env)
			for _, fl := range []*ast.FieldList{n.Type.Params, n.Type.Results} {
				if fl == nil {
					continue
				}
				for _, f := range fl.List {
					for _, id := range f.Names {
						delete(inner, id.Name)
					}
				}
			}
			lt.walk(n.Body.List, inner)
			return false
		case *ast.SelectorExpr:
			lt.rename(n.X, env)
			return false
		case *ast.KeyValueExpr:
			if _, ok := n.Key.(*ast.Ident); !ok {
				lt.rename(n.Key, env)
			}
			lt.rename(n.Value, env)
			return false
		case *ast.Field:
			lt.rename(n.Type, env)
			return false
		case *ast.LabeledStmt:
			lt.rename(n.Stmt, env)
			return false
		case *ast.BranchStmt:
			return false
		case *ast.Ident:
			if fresh, ok := env[n.Name]; ok {
				lt.u.edit(lt.u.offset(n.Pos()), lt.u.offset(n.End()), fresh)
			}
		}
		return true
	})
}
