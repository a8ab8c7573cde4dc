package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// chanSliceRange rewrites a range with a value variable over a slice or
// array of channels, which yaegi v0.16.1 gets wrong ("reflect: call of
// reflect.Value.Len on int Value"; a variadic cs ...<-chan T is such a
// slice), into a range over its indexes that reads the element:
//
//	for _, c := range cs {  →  for _spinlabI1 := range cs { c := cs[_spinlabI1];
//
// The ranged expression must be a name whose type the cell shows (a
// parameter, a declaration with a type or a composite literal).
func (r *rewriter) chanSliceRange(u *unit, n *ast.RangeStmt) {
	if n.Tok != token.DEFINE || n.Value == nil || n.Key == nil {
		return
	}
	v, ok := n.Value.(*ast.Ident)
	if !ok || v.Name == "_" {
		return
	}
	x, ok := n.X.(*ast.Ident)
	if !ok {
		return
	}
	t := r.varTypes[x.Name]
	if t == "" {
		t = r.variadics[x.Name]
	}
	if !isChanSlice(t) {
		return
	}
	key, ok := n.Key.(*ast.Ident)
	if !ok {
		return
	}
	index := key.Name
	if index == "_" {
		r.loops++
		index = fmt.Sprintf("_spinlabI%d", r.loops)
		u.edit(u.offset(key.Pos()), u.offset(v.End()), index)
	} else {
		u.edit(u.offset(key.End()), u.offset(v.End()), "")
	}
	at := u.offset(n.Body.Lbrace) + 1
	u.edit(at, at, " "+v.Name+" := "+x.Name+"["+index+"];")
}

// isChanSlice reports a type []chan T, [N]<-chan T, ... written as source.
func isChanSlice(t string) bool {
	if !strings.HasPrefix(t, "[") {
		return false
	}
	end := strings.IndexByte(t, ']')
	if end < 0 {
		return false
	}
	elem := strings.TrimSpace(t[end+1:])
	return strings.HasPrefix(elem, "chan ") || strings.HasPrefix(elem, "chan<-") || strings.HasPrefix(elem, "<-chan")
}

// variadicParams collects the variadic parameters of the units' functions
// with their types as slices ([]<-chan string); a name declared so with
// different types is left out.
func variadicParams(units []*unit) map[string]string {
	out := map[string]string{}
	conflict := map[string]bool{}
	for _, u := range units {
		ast.Inspect(u.file, func(n ast.Node) bool {
			f, ok := n.(*ast.Field)
			if !ok {
				return true
			}
			e, ok := f.Type.(*ast.Ellipsis)
			if !ok {
				return true
			}
			t := "[]" + u.src[u.offset(e.Elt.Pos()):u.offset(e.Elt.End())]
			for _, id := range f.Names {
				if old, seen := out[id.Name]; conflict[id.Name] || seen && old != t {
					conflict[id.Name] = true
					delete(out, id.Name)
					continue
				}
				out[id.Name] = t
			}
			return true
		})
	}
	return out
}
