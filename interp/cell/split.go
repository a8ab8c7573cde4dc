package cell

import (
	"fmt"
	"go/scanner"
	"go/token"
	"strings"
)

// Item kinds: the declaration keywords, and stmt for everything else.
const (
	kindImport = "import"
	kindType   = "type"
	kindFunc   = "func"
	kindConst  = "const"
	kindVar    = "var"
	kindStmt   = "stmt"
)

// item is one top-level piece of a cell: a declaration or a statement.
type item struct {
	kind string
	src  string // the exact text of the item in the cell
	// cellSrc is the text in the cell of an item whose src the front end
	// changed (renameLocalTypes), at equal length, or "".
	cellSrc string
	off     int // byte offset of src in the cell
	line    int // 1-based line of the item's first byte in the cell
	col     int // 1-based column (in bytes) of the item's first byte
	// synthetic items (auto-imports) have no place in the cell.
	synthetic bool
}

// isDecl reports whether the item is a declaration (evaluated at package level).
func (it item) isDecl() bool { return it.kind != kindStmt }

// splitCell cuts a cell into its top-level items, in order. It only scans
// tokens (no parsing), so it accepts any input; a scanner error (an
// unterminated string, an illegal character) is returned as an error.
func splitCell(code string) ([]item, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var firstErr error
	var s scanner.Scanner
	s.Init(file, []byte(code), func(pos token.Position, msg string) {
		if firstErr == nil {
			firstErr = fmt.Errorf("%d:%d: %s", pos.Line, pos.Column, msg)
		}
	}, 0)

	type tok struct {
		tok      token.Token
		off, end int
	}
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		off := file.Offset(pos)
		n := len(lit)
		if t == token.SEMICOLON && lit == "\n" {
			n = 0
		} else if n == 0 {
			n = len(t.String())
		}
		if off+n > len(code) {
			n = len(code) - off
		}
		toks = append(toks, tok{t, off, off + n})
	}
	if firstErr != nil {
		return nil, firstErr
	}

	var items []item
	depth := 0
	start := -1
	// In the header of a for, if or switch statement, explicit semicolons
	// separate its clauses, not statements; the header ends at its block.
	header := false
	flush := func(end int) {
		if start < 0 {
			return
		}
		items = append(items, item{off: toks[start].off, src: code[toks[start].off:toks[end].end]})
		items[len(items)-1].kind = itemKind(toks[start:end+1], func(i int) token.Token { return toks[start+i].tok })
		start = -1
	}
	for i, t := range toks {
		switch t.tok {
		case token.FOR, token.IF, token.SWITCH:
			if depth == 0 {
				header = true
			}
		case token.LBRACE:
			if depth == 0 {
				header = false
			}
			depth++
		case token.LPAREN, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if depth > 0 {
				depth--
			}
		case token.SEMICOLON:
			if depth == 0 && header && t.end > t.off {
				break
			}
			if depth == 0 {
				header = false
				if start >= 0 {
					flush(i - 1)
				}
				continue
			}
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		flush(len(toks) - 1)
	}
	for i := range items {
		items[i].line = 1 + strings.Count(code[:items[i].off], "\n")
		items[i].col = items[i].off - strings.LastIndex(code[:items[i].off], "\n")
	}
	return items, nil
}

// itemKind classifies an item by its leading tokens. A func keyword starts a
// declaration when a name follows it (func f, or a method func (r T) M);
// otherwise it is a function literal in a statement.
func itemKind[T any](toks []T, at func(int) token.Token) string {
	n := len(toks)
	switch at(0) {
	case token.IMPORT:
		return kindImport
	case token.TYPE:
		return kindType
	case token.CONST:
		return kindConst
	case token.VAR:
		return kindVar
	case token.FUNC:
		if n > 1 && at(1) == token.IDENT {
			return kindFunc
		}
		if n > 1 && at(1) == token.LPAREN {
			depth := 0
			for i := 1; i < n; i++ {
				switch at(i) {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
					if depth == 0 {
						// a method: func (r T) Name( or Name[
						if i+2 < n && at(i+1) == token.IDENT && (at(i+2) == token.LPAREN || at(i+2) == token.LBRACK) {
							return kindFunc
						}
						return kindStmt
					}
				}
			}
		}
	}
	return kindStmt
}
