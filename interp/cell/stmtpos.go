package cell

import (
	"fmt"
	"go/token"
	"strings"
)

// Statement positions. yaegi v0.16.1 reports a panic in the top-level
// code of a cell at the start of the evaluated group ("cell[3]:1:1:
// main" for a division by zero on line 4): it knows the frame, not the
// statement. So every top-level statement of a cell is preceded by an
// assignment of its position to an interpreted variable (on a line of its
// own, so that no column of the cell moves), and the traceback names the
// last recorded statement for the top-level frame. An assignment, not a
// call of a compiled function: yaegi compiles a call of a compiled
// function at about 100 µs of CPU, which doubled a trivial cell's cost.

// atVar holds the position of the top-level statement running: its
// interpreter line shifted left by atColBits, or its column.
const (
	atVar     = "_spinlabAt"
	atColBits = 12
)

// atCall is the source that records the position of unit u of cell, in
// group g. A group of one statement needs none (yaegi's position of the
// group is the statement's), which keeps a trivial cell as cheap as it was.
func atCall(g []*unit, u *unit, cell int) string {
	if len(g) < 2 || u.synthetic || cell <= 0 || u.isDecl() {
		return ""
	}
	return fmt.Sprintf("\n%s = %d", atVar, lineOf(cell, u.line)<<atColBits|min(u.col, 1<<atColBits-1))
}

// topLevelFrame replaces the position of the top-level frame ("...:
// main") of a traceback by the statement's that ran last (at, as atVar
// holds it; 0: unknown), in cells decoded from current.
func topLevelFrame(tb []string, at, current int) []string {
	if at == 0 || len(tb) == 0 {
		return tb
	}
	last := tb[len(tb)-1]
	if !strings.HasSuffix(last, ": main") {
		return tb
	}
	c, l := cellOf(at>>atColBits, current)
	if c != current {
		return tb // left by an earlier cell: this one failed elsewhere
	}
	// yaegi names the start of the group that failed: a position before
	// it was left by an earlier group of the cell.
	var groupLine int
	if _, rest, ok := strings.Cut(last, "]:"); ok {
		fmt.Sscanf(rest, "%d:", &groupLine)
	}
	if l < groupLine {
		return tb
	}
	out := append([]string(nil), tb...)
	out[len(out)-1] = fmt.Sprintf("%s:%d:%d: main", cellName(c), l, at&(1<<atColBits-1))
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
