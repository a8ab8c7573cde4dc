package complete

import (
	"reflect"

	"github.com/spinlab/spinlab/interp/cell"
)

// Completion's names for the cell front end (package cell).

// Definition is one package-level definition of a session.
type Definition = cell.Definition

const (
	kindImport = cell.KindImport
	kindType   = cell.KindType
	kindFunc   = cell.KindFunc
	kindConst  = cell.KindConst
	kindVar    = cell.KindVar
	kindStmt   = cell.KindStmt
)

type (
	item = cell.Item
	unit = cell.Unit
)

func splitCell(code string) ([]item, error)             { return cell.Split(code) }
func parseUnit(it item) (*unit, error)                  { return cell.Parse(it) }
func parseMagic(code string) (cell.Magic, bool, error)  { return cell.ParseMagic(code) }
func packageName(path string) string                    { return cell.PackageName(path) }
func importable() (map[string]string, []string)         { return cell.Importable() }
func packagePath(defs []Definition, name string) string { return cell.PackagePath(defs, name) }
func symbolKey(path string) string                      { return cell.SymbolKey(path) }
func symbolKind(v reflect.Value) string                 { return cell.SymbolKind(v) }
