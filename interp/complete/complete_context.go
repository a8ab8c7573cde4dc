package complete

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/spinlab/spinlab/interp/cell"
)

// What is being completed at the cursor: the operand before a ".", a
// composite literal's key, a magic's option, an import path.

// exprStart returns the byte offset in text where the operand that ends
// text starts: an identifier, a call, an index expression, a selector or
// a composite literal (display.Show("x"), res.Workers[0],
// runtimes.Experiment{}), found by walking its tokens backwards.
func exprStart(text string) (int, bool) {
	type tk struct {
		off int
		tok token.Token
	}
	var toks []tk
	var sc scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(text))
	sc.Init(file, []byte(text), func(token.Position, string) {}, 0)
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" && sc.ErrorCount == 0 && file.Offset(pos) == len(text) {
			continue // inserted at the end of text, not written
		}
		toks = append(toks, tk{file.Offset(pos), tok})
	}
	// match returns the index of the bracket that opens the one at i.
	match := func(i int) int {
		depth := 0
		for ; i >= 0; i-- {
			switch toks[i].tok {
			case token.RPAREN, token.RBRACK, token.RBRACE:
				depth++
			case token.LPAREN, token.LBRACK, token.LBRACE:
				depth--
				if depth == 0 {
					return i
				}
			}
		}
		return -1
	}
	i := len(toks) - 1
	if i < 0 {
		return 0, false
	}
	for i >= 0 {
		switch toks[i].tok {
		case token.IDENT, token.STRING, token.INT, token.FLOAT, token.CHAR:
			i--
		case token.RPAREN, token.RBRACK, token.RBRACE:
			j := match(i)
			if j < 0 {
				return 0, false
			}
			i = j - 1
			if i >= 0 && (toks[i].tok == token.IDENT || toks[i].tok == token.RPAREN || toks[i].tok == token.RBRACK || toks[i].tok == token.RBRACE) {
				continue // f(x), a[i], T{...}, f()(), a[i][j]
			}
		default:
			return 0, false
		}
		if i >= 0 && toks[i].tok == token.PERIOD {
			i--
			continue
		}
		break
	}
	return toks[i+1].off, true
}

// literalFields adds the fields of the struct type of the composite
// literal whose key is being typed at byte offset at (runtimes.Experiment{Wor).
// It reports whether the cursor is at such a key.
func literalFields(defs []Definition, code string, at int, add func(name, kind, sig string)) bool {
	type tk struct {
		off int
		tok token.Token
	}
	var toks []tk
	var sc scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, at)
	sc.Init(file, []byte(code[:at]), func(token.Position, string) {}, 0)
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue // a literal's keys may be on lines of their own
		}
		toks = append(toks, tk{file.Offset(pos), tok})
	}
	if len(toks) == 0 {
		return false
	}
	if last := toks[len(toks)-1].tok; last != token.LBRACE && last != token.COMMA {
		return false
	}
	// The innermost brace still open.
	depth, open := 0, -1
	for i := len(toks) - 1; i >= 0 && open < 0; i-- {
		switch toks[i].tok {
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth++
		case token.LPAREN, token.LBRACK:
			if depth == 0 {
				return false // inside a call's arguments or an index
			}
			depth--
		case token.LBRACE:
			if depth == 0 {
				open = i
			} else {
				depth--
			}
		}
	}
	if open < 1 {
		return false
	}
	start, ok := exprStart(code[:toks[open].off])
	if !ok {
		return false
	}
	x, err := parser.ParseExpr(code[start:toks[open].off])
	if err != nil {
		return false
	}
	ty := newTyper(defs, code, start)
	op := ty.typeOf(x)
	if op.mode != modeType {
		return false // a block, not a literal
	}
	u := ty.under(op.t)
	var fields []member
	switch {
	case u.rt != nil && u.rt.Kind() == reflect.Struct:
		for i := range u.rt.NumField() {
			if f := u.rt.Field(i); f.IsExported() {
				fields = append(fields, member{name: f.Name, kind: "field", sig: f.Type.String()})
			}
		}
	case u.x != nil:
		if st, ok := u.x.(*ast.StructType); ok {
			for _, f := range st.Fields.List {
				for _, n := range f.Names {
					fields = append(fields, member{name: n.Name, kind: "field", sig: types.ExprString(f.Type)})
				}
				if len(f.Names) == 0 {
					fields = append(fields, member{name: embeddedName(f.Type), kind: "field", sig: types.ExprString(f.Type)})
				}
			}
		}
	default:
		return false
	}
	for _, f := range fields {
		add(f.name, f.kind, f.sig)
	}
	return true
}

// magicCompletions completes a magic's name and its options on the
// magic's line (%%spin mo → modes=, %%spin modes=go → goroutine). It
// reports whether the cursor is on a magic's line.
func magicCompletions(code string, at int, c *Completion, add func(name, kind, sig string)) bool {
	lineStart := strings.LastIndexByte(code[:at], '\n') + 1
	if strings.TrimSpace(code[:lineStart]) != "" {
		return false // a magic is the cell's first line that is not blank
	}
	line := strings.TrimLeft(code[lineStart:at], " \t")
	if !strings.HasPrefix(line, "%") {
		return false
	}
	name, args, hasArgs := strings.Cut(line, " ")
	if !hasArgs {
		percents := len(name) - len(strings.TrimLeft(name, "%"))
		for _, m := range cell.Magics() {
			if len(m.Name)-len(strings.TrimLeft(m.Name, "%")) == percents {
				add(strings.TrimLeft(m.Name, "%"), "magic", m.Usage)
			}
		}
		return true
	}
	var usage string
	for _, m := range cell.Magics() {
		if m.Name == name {
			usage = m.Usage
		}
	}
	if !strings.Contains(usage, "=") {
		return false // %time STATEMENT: the statement is Go
	}
	word := args[strings.LastIndexAny(args, " \t")+1:]
	key, _, isValue := strings.Cut(word, "=")
	options := strings.Fields(usage)
	if len(options) > 0 {
		options = options[1:]
	}
	for _, o := range options {
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			continue
		}
		if !isValue {
			add(k+"=", "option", o)
			continue
		}
		if k != key {
			continue
		}
		values := strings.Split(v, ",")
		if v == "true" || v == "false" {
			values = []string{"true", "false"}
		}
		for _, val := range values {
			if val != "" && (val[0] < '0' || val[0] > '9') {
				add(val, "option", o)
			}
		}
	}
	return true
}

// importCompletions completes an import path inside the string of an
// import declaration (import "net/ht). It reports whether the cursor is
// in one, and then sets found to the paths and c.Start to the string's
// start.
func importCompletions(code string, at int, c *Completion, found *map[string]Match) bool {
	lineStart := strings.LastIndexByte(code[:at], '\n') + 1
	line := code[lineStart:at]
	if strings.Count(line, `"`)%2 != 1 {
		return false
	}
	q := strings.LastIndexByte(line, '"')
	head := strings.Fields(line[:q])
	inImport := len(head) > 0 && head[0] == "import" && len(head) <= 2
	if !inImport && len(head) <= 1 {
		// a line of an import ( ... ) block
		blockStart := strings.LastIndex(code[:lineStart], "import (")
		inImport = blockStart >= 0 && !strings.Contains(code[blockStart:lineStart], ")")
	}
	if !inImport {
		return false
	}
	prefix := line[q+1:]
	c.Start = c.End - utf8.RuneCountInString(prefix)
	set, add := completionSet(prefix)
	_, paths := importable()
	for _, p := range paths {
		add(p, "module", "package "+packageName(p))
	}
	*found = set
	return true
}
