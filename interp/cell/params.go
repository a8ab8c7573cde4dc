package cell

import "go/ast"

// nameParams names the unnamed parameters of declared functions and
// function literals "_": yaegi v0.16.1 gives an unnamed parameter no slot
// in its frame, so a call from compiled code ("runtimes.Go(1, func(int)
// {...})", sort.Slice with func(int, int) bool) stores the argument over
// another value and panics ("reflect.Set: value of type int is not
// assignable"). "_" means the same in Go.
func nameParams(u *unit) {
	name := func(ft *ast.FuncType) {
		if ft == nil || ft.Params == nil {
			return
		}
		for _, f := range ft.Params.List {
			if len(f.Names) == 0 {
				at := u.offset(f.Type.Pos())
				u.edit(at, at, "_ ")
			}
		}
	}
	ast.Inspect(u.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			name(n.Type)
		case *ast.FuncLit:
			name(n.Type)
		}
		return true
	})
}
