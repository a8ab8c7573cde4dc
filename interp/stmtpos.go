package interp

import (
	"fmt"
	"go/token"
	"strings"
)

// Statement positions. yaegi v0.16.1 reports a panic in the top-level
// code of a cell at the start of the evaluated group ("cell[3]:1:1:
// main" for a division by zero on line 4): it knows the frame, not the
// statement. So every top-level statement of a cell is preceded by a call
// that records its position (on a line of its own, so that no column of
// the cell moves), and the traceback names the last recorded statement
// for the top-level frame. The call costs one compiled function call per
// top-level statement.

// atCall is the source that records the position of unit u of cell.
func atCall(u *unit, cell int) string {
	if u.synthetic || cell <= 0 || u.isDecl() {
		return ""
	}
	return fmt.Sprintf("\n%s.At(%d, %d)", rtName, lineOf(cell, u.line), u.col)
}

// at records the interpreter position of the top-level statement that runs.
func (f *stderrFilter) at(line, col int) {
	f.mu.Lock()
	f.atLine, f.atCol = line, col
	f.mu.Unlock()
}

// topLevelFrame replaces the position of the top-level frame ("...:
// main") of a traceback by the statement's that ran last. Callers hold f.mu.
func (f *stderrFilter) topLevelFrame(tb []string) []string {
	if f.atLine == 0 || len(tb) == 0 {
		return tb
	}
	last := tb[len(tb)-1]
	if !strings.HasSuffix(last, ": main") {
		return tb
	}
	c, l := cellOf(f.atLine, f.cell)
	out := append([]string(nil), tb...)
	out[len(out)-1] = fmt.Sprintf("%s:%d:%d: main", cellName(c), l, f.atCol)
	return out
}

// goFrames is the traceback of a goroutine's panic: the frames yaegi
// reported (none for a panic in the goroutine's own function, which the
// guard recovers before yaegi sees it unwind), then the go statement that
// started it, at interpreter line line (0: unknown).
func goFrames(tb []string, current, line, col int) []string {
	out := cellFrames(tb)
	if line > 0 {
		c, l := cellOf(line, current)
		out = append(out, fmt.Sprintf("%s:%d:%d: go statement", cellName(c), l, col))
	}
	return out
}

// cellLineCol is the line and column in its cell of a position in the
// unit's parsed source.
func (u *unit) cellLineCol(p token.Pos) (line, col int) {
	pos := u.fset.Position(p)
	wrap := strings.Count(stmtOrDeclSource(u)[:u.prefix], "\n")
	rel := pos.Line - wrap // 1-based line within the item
	if rel <= 1 {
		return u.line, u.col + pos.Column - 1
	}
	return u.line + rel - 1, pos.Column
}
