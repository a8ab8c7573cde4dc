package interp

import (
	"strings"

	yaegi "github.com/traefik/yaegi/interp"

	"github.com/spinlab/spinlab/interp/symbols"
)

// importableSymbols is every package a session can import without a
// toolchain: the standard library, syscall and os/exec included (a
// concurrency kernel starts and signals processes), and the bundled
// packages. The session's overrides (os.Exit, ...) are applied on top
// when an interpreter is built. The first call builds every table.
func importableSymbols() yaegi.Exports { return symbols.All() }

// symbolKey is the key of the package at path in the symbol tables:
// path/name, where name is the package's declared name.
func symbolKey(path string) string {
	key := path + "/" + packageName(path)
	if symbols.Table(key) != nil {
		return key
	}
	for _, k := range symbols.Keys() {
		if strings.HasPrefix(k, path+"/") && !strings.Contains(k[len(path)+1:], "/") {
			return k
		}
	}
	return key
}
