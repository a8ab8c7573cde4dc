package interp

import (
	yaegi "github.com/traefik/yaegi/interp"

	"github.com/spinlab/spinlab/interp/symbols"
)

// importableSymbols is every package a session can import without a
// toolchain: the standard library, syscall and os/exec included (a
// concurrency kernel starts and signals processes), and the bundled
// packages. The session's overrides (os.Exit, ...) are applied on top
// when an interpreter is built. The first call builds every table.
func importableSymbols() yaegi.Exports { return symbols.All() }
