package interp

import (
	"io"
	"log"
	"sync"

	"github.com/spinlab/spinlab/interp/internal/yaegix"
)

// yaegi v0.16.1 reports a type it cannot work out with log.Panic("nil
// type"): the line goes to the process's default logger, the cell's
// stderr in the evaluator ("2026/12/03 20:53:43 nil type" above the
// cell's error), before the panic, which the session turns into the
// cell's error. Cells log through loggers of their own (printSymbols), so
// the default logger carries only compiled code's lines: from the first
// session on it drops yaegi's line and passes every other write through.
var quietNilType sync.Once

func dropNilTypeLines() {
	quietNilType.Do(func() { log.SetOutput(nilTypeFilter{log.Writer()}) })
}

// nilTypeFilter is a writer that drops yaegi's "nil type" lines.
type nilTypeFilter struct{ w io.Writer }

func (f nilTypeFilter) Write(p []byte) (int, error) {
	if yaegix.IsNilTypeLog(p) {
		return len(p), nil
	}
	return f.w.Write(p)
}
