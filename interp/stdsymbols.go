package interp

import (
	"reflect"
	"sync"

	yaegi "github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	stdsyscall "github.com/traefik/yaegi/stdlib/syscall"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"github.com/spinlab/spinlab/interp/symbols"
)

// importableSymbols is every package a session can import without a
// toolchain: the standard library as yaegi extracts it, with the parts
// that yaegi keeps apart as "unrestricted" (syscall, os/exec,
// os.FindProcess: a concurrency kernel starts and signals processes),
// and the bundled packages. The session's overrides (os.Exit, ...) are
// applied on top when an interpreter is built.
var importableSymbols = sync.OnceValue(func() yaegi.Exports {
	all := yaegi.Exports{}
	for _, exports := range symbolSources() {
		for pkg, syms := range exports {
			m := all[pkg]
			if m == nil {
				m = make(map[string]reflect.Value, len(syms))
				all[pkg] = m
			}
			for name, v := range syms {
				m[name] = v
			}
		}
	}
	return all
})

// symbolSources are the tables that importableSymbols merges, in the
// order of precedence (later ones win).
func symbolSources() []yaegi.Exports {
	return []yaegi.Exports{stdlib.Symbols, stdsyscall.Symbols, unrestricted.Symbols, symbols.Symbols}
}
