package cell

import (
	"go/ast"
	"go/types"
)

// errMethodsFunc is the library function (generics/errors.go.txt) that
// records how to call a session type's Unwrap and Is methods.
const errMethodsFunc = "_spinlabErrMethods"

// errMethods works around yaegi v0.16.1 hiding the Unwrap and Is methods
// of a session's error type from errors.Is, errors.Unwrap and the tree
// errors.As walks: compiled code sees only Error on such a value (yaegi
// hands it a wrapper with the interface's methods), and yaegi's own
// assertion to interface{ Unwrap() error } misses it too, so
//
//	type OpError struct{ Op string; Err error }
//	func (e *OpError) Unwrap() error { return e.Err }
//	errors.Is(&OpError{"load", ErrNotFound}, ErrNotFound)
//
// was false and errors.Unwrap of it nil. A concrete assertion is right,
// so a method Unwrap() error or Is(error) bool is followed, on its line,
// by a registration of a function that asserts to its receiver's type
// and calls it, which the library's errors.Is, Unwrap and As consult:
//
//	func (e *OpError) Unwrap() error { return e.Err }; var _ = _spinlabErrMethods(func(_spinlabE error) (error, bool) { … _spinlabE.(*OpError) … }, nil)
//
// Methods of generic types are left alone.
func (r *rewriter) errMethods(u *unit) {
	if !u.isDecl() {
		return
	}
	for _, d := range u.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 || fd.Body == nil {
			continue
		}
		recv := fd.Recv.List[0].Type
		base := recv
		if st, ok := base.(*ast.StarExpr); ok {
			base = st.X
		}
		if _, ok := base.(*ast.Ident); !ok {
			continue // a generic type's method, or not valid Go
		}
		sig := types.ExprString(fd.Type)
		var reg string
		switch {
		case fd.Name.Name == "Unwrap" && sig == "func() error":
			reg = "func(_spinlabE error) (error, bool) { if _spinlabV, ok := _spinlabE.(" + types.ExprString(recv) +
				"); ok { return _spinlabV.Unwrap(), true }; return nil, false }, nil"
		case fd.Name.Name == "Is" && len(fd.Type.Params.List) == 1 && len(fd.Type.Params.List[0].Names) <= 1 &&
			types.ExprString(fd.Type.Params.List[0].Type) == "error" && fd.Type.Results != nil &&
			len(fd.Type.Results.List) == 1 && len(fd.Type.Results.List[0].Names) == 0 &&
			types.ExprString(fd.Type.Results.List[0].Type) == "bool":
			reg = "nil, func(_spinlabE, _spinlabT error) (bool, bool) { if _spinlabV, ok := _spinlabE.(" + types.ExprString(recv) +
				"); ok { return _spinlabV.Is(_spinlabT), true }; return false, false }"
		default:
			continue
		}
		end := u.offset(fd.End())
		u.edit(end, end, "; var _ = "+errMethodsFunc+"("+reg+")")
	}
}
