package cell

import (
	"go/ast"
	"go/token"
	"reflect"
)

// The kinds of items and definitions: the declaration keywords, and
// KindStmt for everything else.
const (
	KindImport = kindImport
	KindType   = kindType
	KindFunc   = kindFunc
	KindConst  = kindConst
	KindVar    = kindVar
	KindStmt   = kindStmt
)

// An Item is one top-level piece of a cell, a declaration or a
// statement, as Split cuts it.
type Item = item

// A Unit is one parsed item of a cell, and its rewrite: what the session
// evaluates.
type Unit = unit

// Untypable is yaegi's "nil type" failure, said for a user;
// DiagnoseUntypable names the construct of a cell that causes it.
const Untypable = untypable

// LineBase is the number of interpreter lines that each cell's block of
// positions spans (see LineOf).
const LineBase = lineBase

// MainName is the name under which a cell's func main is declared (a
// whole program's main runs once, through a call of it).
const MainName = mainName

// AtColBits is the number of bits of AtVar's value that hold a column;
// the rest is the interpreter line.
const AtColBits = atColBits

// Split cuts a cell into its top-level items, in order. It only scans
// tokens, so any input is accepted; a scanner error (an unterminated
// string, an illegal character) is returned as "line:col: message".
func Split(code string) ([]Item, error) { return splitCell(code) }

// NewItem is an item that has no place in a cell (Synthetic), of the
// given kind: a declaration keyword or KindStmt.
func NewItem(kind, src string) Item { return item{kind: kind, src: src, synthetic: true, off: -1} }

// Parse parses one item.
func Parse(it Item) (*Unit, error) { return parseUnit(it) }

// Prepare splits, parses, auto-imports and rewrites code as cell number
// n of scope sc (0 for an expression: positions name "expr"), and marks
// the declarations that may be hoisted. Every edit keeps the cell's line
// numbers. A cell that does not parse, or that has a statement the
// session cannot run at its top level, is an *Error. The units are in
// the cell's order, auto-imports first, and a whole program's call of
// main last.
func Prepare(sc Scope, code string, n int) ([]*Unit, error) { return prepare(sc, code, n) }

// Rewrite rewrites units as cell number n of scope sc, where cellNames
// are the names the cell defines: each unit's Out is its text after the
// rewrites.
func Rewrite(sc Scope, units []*Unit, n int, cellNames map[string]bool) {
	rewriteUnits(sc, units, n, cellNames)
}

// AutoImports returns import units for the packages that units name (as
// pkg.Name) but that neither they, cellNames nor sc define.
func AutoImports(sc Scope, units []*Unit, cellNames map[string]bool) []*Unit {
	return autoImports(sc, units, cellNames)
}

// Plan orders prepared units into evaluation groups: imports first, then
// the declarations that may be hoisted, then the rest in the cell's
// order, consecutive declarations or statements together.
func Plan(units []*Unit) [][]*Unit { return planUnits(units) }

// GroupSource is the source that evaluates group g of cell n, each unit
// under a //line directive that places it in its cell.
func GroupSource(g []*Unit, n int) string { return groupSource(g, n) }

// GroupSourceWrapped is GroupSource with the group's final expression
// passed to ValueFunc (single) or ValuesFunc, so that its results come
// back.
func GroupSourceWrapped(g []*Unit, n int, single bool) string {
	return groupSourceWrapped(g, n, single)
}

// Directive is the //line directive that places the next line of source
// at u's place in cell n.
func Directive(u *Unit, n int) string { return directive(u, n) }

// FinalExpr returns the expression of a unit that is an expression
// statement whose value the cell shows, or nil.
func FinalExpr(u *Unit) ast.Expr { return finalExpr(u) }

// DefinedNames lists the package-level names a unit defines.
func DefinedNames(u *Unit) []string { return definedNames(u) }

// DiagnoseUntypable names the construct of a cell that yaegi could not
// type (Untypable): the first range over something the front end does
// not know to be a collection, if any.
func DiagnoseUntypable(sc Scope, code string, n int, units []*Unit) string {
	return diagnoseUntypable(sc, code, n, units)
}

// ParseError renders the error of parsing item it (Parse) as the go
// command would, one error a line, at positions of cell n.
func ParseError(it Item, code string, n int, err error) string {
	return parseErrorMessage(u0(it), code, n, err)
}

// LimitErrors keeps the first ten lines and says "too many errors" after
// them, as the go command does.
func LimitErrors(lines []string) []string { return limitErrors(lines) }

// CellName names cell n in positions: "cell[n]", or "expr" for 0.
func CellName(n int) string { return cellName(n) }

// CellPosition renders byte offset off of a cell as "cell[n]:line:col".
func CellPosition(code string, n, off int) string { return cellPosition(code, n, off) }

// LineOf is the interpreter line of line l of cell n.
func LineOf(n, l int) int { return lineOf(n, l) }

// CellOf decodes an interpreter line: the most recent cell (up to
// current) whose block it is in, and the line in that cell.
func CellOf(line, current int) (n, l int) { return cellOf(line, current) }

// FirstPositions returns the lines of msg that name a cell position.
func FirstPositions(msg string) []string { return firstPositions(msg) }

// TopLevelFrame replaces the position of the top-level frame ("...:
// main") of a traceback by that of the statement that ran last (at, as
// AtVar holds it; 0: unknown), in cells decoded from current.
func TopLevelFrame(tb []string, at, current int) []string { return topLevelFrame(tb, at, current) }

// ImportName is the name an import spec binds.
func ImportName(sp *ast.ImportSpec) string { return importName(sp) }

// ImportPath is the path an import definition imports.
func ImportPath(d Definition) string { return importPath(d) }

// RecvTypeName is the name of the type of a method's receiver.
func RecvTypeName(e ast.Expr) string { return recvTypeName(e) }

// FuncResultType is the source of the single result type of a function
// definition, or "".
func FuncResultType(d Definition) string { return funcResultType(d) }

// PackageName is the default name of the package at an import path.
func PackageName(path string) string { return packageName(path) }

// Importable returns the packages a cell can import without a toolchain,
// by name (the one a name stands for when a cell names it unimported) and
// every import path, sorted.
func Importable() (byName map[string]string, paths []string) { return importable() }

// PackagePath returns the import path that name stands for after defs:
// the last import of that name, or else the importable package that a
// cell naming it would import; "" if none.
func PackagePath(defs []Definition, name string) string { return packagePath(defs, name) }

// SymbolKey is the key of the package at path in the symbol tables
// (package symbols).
func SymbolKey(path string) string { return symbolKey(path) }

// SymbolKind classifies an entry of a symbol table: "constant",
// "function", "type" or "variable".
func SymbolKind(v reflect.Value) string { return symbolKind(v) }

// PlainTypeDecl reports a declaration "type T U" that is neither generic
// nor an alias.
func PlainTypeDecl(src string) bool { return plainTypeDecl(src) }

// LocalNames lists every name a file declares anywhere (parameters,
// locals, fields): such a name is never a package.
func LocalNames(f *ast.File) map[string]bool { return localNames(f) }

// DeclaredTag is the tag of a struct field as the cell declared it,
// without the tags the rewriter added (fieldtags.go).
func DeclaredTag(f reflect.StructField) reflect.StructTag { return declaredTag(f) }

// The parts of an item and of a unit that the session reads.

// Kind is the item's kind: a declaration keyword or KindStmt.
func (it item) Kind() string { return it.kind }

// Src is the exact text of the item in its cell.
func (it item) Src() string {
	if it.cellSrc != "" {
		return it.cellSrc
	}
	return it.src
}

// Off is the byte offset of the item in its cell (-1 if Synthetic).
func (it item) Off() int { return it.off }

// Line is the 1-based line of the item's first byte in its cell.
func (it item) Line() int { return it.line }

// Col is the 1-based column (in bytes) of the item's first byte.
func (it item) Col() int { return it.col }

// Synthetic reports an item that has no place in a cell (an auto-import,
// a whole program's call of main).
func (it item) Synthetic() bool { return it.synthetic }

// IsDecl reports whether the item is a declaration (evaluated at package
// level).
func (it item) IsDecl() bool { return it.isDecl() }

// Item is the item the unit parses.
func (u *unit) Item() Item { return u.item }

// File is the unit's parse: its item wrapped in a package clause (and,
// for a statement, a function).
func (u *unit) File() *ast.File { return u.file }

// Fset is the file set of File.
func (u *unit) Fset() *token.FileSet { return u.fset }

// Stmts are a statement unit's statements.
func (u *unit) Stmts() []ast.Stmt { return u.stmts }

// Out is the unit's text after rewriting.
func (u *unit) Out() string { return u.out }

// SetOut replaces the unit's text after rewriting.
func (u *unit) SetOut(s string) { u.out = s }

// Defines are the package-level names the unit defines.
func (u *unit) Defines() []string { return u.defines }

// Hoist reports a declaration that is evaluated before the cell's
// statements.
func (u *unit) Hoist() bool { return u.hoist }

// Offset converts a position in File to an offset in the item.
func (u *unit) Offset(p token.Pos) int { return u.offset(p) }

// OutText is the rewritten text of a node of File.
func (u *unit) OutText(n ast.Node) string { return u.outText(n) }

// Edit replaces src[off:end] of the item with text (an insertion when
// off == end), for Apply.
func (u *unit) Edit(off, end int, text string) { u.edit(off, end, text) }

// Apply returns the item's text from off to end with the edits applied.
func (u *unit) Apply(off, end int) string { return u.apply(off, end) }

// CellPos renders a position of a parse of the item as a position in
// cell n of code.
func (u *unit) CellPos(code string, n int, p token.Position) string { return u.cellPos(code, n, p) }

// AsStmt returns the item as a statement: a declaration inside a
// function body is one.
func (it item) AsStmt() Item {
	it.kind = kindStmt
	return it
}

// Prefix is the number of bytes of wrapping before the item's text in
// the source of File.
func (u *unit) Prefix() int { return u.prefix }

// PackageClause finds a package clause at the start of a cell (after
// comments). It returns the cell with the clause replaced by spaces, the
// package name, and whether there was one.
func PackageClause(code string) (rest, pkg string, ok bool) { return packageClause(code) }
