package interp

import (
	"go/ast"
	"reflect"

	"github.com/spinlab/spinlab/interp/cell"
)

// The session's names for the cell front end (package cell).

const (
	kindImport = cell.KindImport
	kindType   = cell.KindType
	kindFunc   = cell.KindFunc
	kindConst  = cell.KindConst
	kindVar    = cell.KindVar
	kindStmt   = cell.KindStmt

	untypable = cell.Untypable
	lineBase  = cell.LineBase
	mainName  = cell.MainName
	atVar     = cell.AtVar
	atColBits = cell.AtColBits
)

type (
	item = cell.Item
	unit = cell.Unit
)

func splitCell(code string) ([]item, error)       { return cell.Split(code) }
func parseUnit(it item) (*unit, error)            { return cell.Parse(it) }
func planUnits(units []*unit) [][]*unit           { return cell.Plan(units) }
func groupSource(g []*unit, n int) string         { return cell.GroupSource(g, n) }
func finalExpr(u *unit) ast.Expr                  { return cell.FinalExpr(u) }
func directive(u *unit, n int) string             { return cell.Directive(u, n) }
func definedNames(u *unit) []string               { return cell.DefinedNames(u) }
func cellName(n int) string                       { return cell.CellName(n) }
func cellPosition(code string, n, off int) string { return cell.CellPosition(code, n, off) }
func lineOf(n, l int) int                         { return cell.LineOf(n, l) }
func cellOf(line, current int) (int, int)         { return cell.CellOf(line, current) }
func firstPositions(msg string) []string          { return cell.FirstPositions(msg) }
func importName(sp *ast.ImportSpec) string        { return cell.ImportName(sp) }
func importPath(d Definition) string              { return cell.ImportPath(d) }
func recvTypeName(e ast.Expr) string              { return cell.RecvTypeName(e) }
func funcResultType(d Definition) string          { return cell.FuncResultType(d) }
func symbolKey(path string) string                { return cell.SymbolKey(path) }
func plainTypeDecl(src string) bool               { return cell.PlainTypeDecl(src) }
func localNames(f *ast.File) map[string]bool      { return cell.LocalNames(f) }
func declaredTag(f reflect.StructField) reflect.StructTag {
	return cell.DeclaredTag(f)
}

func groupSourceWrapped(g []*unit, n int, single bool) string {
	return cell.GroupSourceWrapped(g, n, single)
}
func topLevelFrame(tb []string, at, current int) []string { return cell.TopLevelFrame(tb, at, current) }

// prepare is cell.Prepare, with a cell that cannot be prepared reported
// as the session reports errors.
func prepare(sc cell.Scope, code string, n int) ([]*unit, error) {
	units, err := cell.Prepare(sc, code, n)
	if e, ok := err.(*cell.Error); ok {
		return nil, &Error{Name: e.Name, Message: e.Message}
	}
	return units, err
}
func autoImports(sc cell.Scope, units []*unit, names map[string]bool) []*unit {
	return cell.AutoImports(sc, units, names)
}
func rewriteUnits(sc cell.Scope, units []*unit, n int, names map[string]bool) {
	cell.Rewrite(sc, units, n, names)
}
func diagnoseUntypable(sc cell.Scope, code string, n int, units []*unit) string {
	return cell.DiagnoseUntypable(sc, code, n, units)
}
func parseError(it item, code string, n int, err error) string {
	return cell.ParseError(it, code, n, err)
}
func limitErrors(lines []string) []string              { return cell.LimitErrors(lines) }
func packageClause(code string) (string, string, bool) { return cell.PackageClause(code) }
