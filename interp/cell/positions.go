package cell

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Cells are told apart in the interpreter's positions: line l of cell n
// is evaluated at line block(n)*lineBase+l (through //line directives), so
// that a position in any error or panic report names its cell. Line
// numbers must stay below 1<<30, so blocks are reused every cellBlocks
// cells: a position names the most recent cell with its block.
const (
	lineBase   = 100000
	cellBlocks = 10000
)

// block is the position block of a cell (0 for user expressions and snippets).
func block(cell int) int {
	if cell <= 0 {
		return 0
	}
	return (cell-1)%cellBlocks + 1
}

// lineOf is the interpreter line of line l of a cell.
func lineOf(cell, l int) int {
	if l >= lineBase {
		l = lineBase - 1
	}
	return block(cell)*lineBase + l
}

// cellOf decodes an interpreter line: the most recent cell (up to
// current) of its block, and the line in that cell.
func cellOf(line, current int) (cell, l int) {
	b, l := line/lineBase, line%lineBase
	if b == 0 || current <= 0 {
		return 0, l
	}
	d := ((block(current)-b)%cellBlocks + cellBlocks) % cellBlocks
	return current - d, l
}

// cellPosition renders byte offset off of a cell as "cell[n]:line:col".
func cellPosition(code string, cell, off int) string {
	if off > len(code) {
		off = len(code)
	}
	line := 1 + strings.Count(code[:off], "\n")
	col := off - strings.LastIndex(code[:off], "\n")
	return fmt.Sprintf("%s:%d:%d", cellName(cell), line, col)
}

func cellName(cell int) string {
	if cell == 0 {
		return "expr"
	}
	return "cell[" + strconv.Itoa(cell) + "]"
}

var cellPosRE = regexp.MustCompile(`(?:cell\[\d+\]|expr):\d+:\d+`)

func firstPositions(msg string) []string {
	var tb []string
	for _, line := range strings.Split(msg, "\n") {
		if cellPosRE.MatchString(line) {
			tb = append(tb, line)
		}
	}
	return tb
}
