package complete

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spinlab/spinlab/interp/docs"
	"github.com/spinlab/spinlab/interp/symbols"
)

var goKeywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else",
	"fallthrough", "for", "func", "go", "goto", "if", "import", "interface",
	"map", "package", "range", "return", "select", "struct", "switch", "type", "var",
}

var goBuiltins = map[string]string{
	"append": "function", "cap": "function", "clear": "function", "close": "function",
	"complex": "function", "copy": "function", "delete": "function", "imag": "function",
	"len": "function", "make": "function", "max": "function", "min": "function",
	"new": "function", "panic": "function", "print": "function", "println": "function",
	"real": "function", "recover": "function",
	"any": "type", "bool": "type", "byte": "type", "comparable": "type", "complex64": "type",
	"complex128": "type", "error": "type", "float32": "type", "float64": "type", "int": "type",
	"int8": "type", "int16": "type", "int32": "type", "int64": "type", "rune": "type",
	"string": "type", "uint": "type", "uint8": "type", "uint16": "type", "uint32": "type",
	"uint64": "type", "uintptr": "type",
	"true": "constant", "false": "constant", "iota": "constant", "nil": "constant",
}

// runeToByte converts a rune offset into a byte offset of s (clamped).
func runeToByte(s string, r int) int {
	if r <= 0 {
		return 0
	}
	i := 0
	for b := range s {
		if i == r {
			return b
		}
		i++
	}
	return len(s)
}

func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// identBefore returns the identifier that ends at byte offset end.
func identBefore(s string, end int) string {
	start := end
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:start])
		if !isIdentRune(r) {
			break
		}
		start -= n
	}
	return s[start:end]
}

// Completion is what Complete offers at a cursor.
type Completion struct {
	Matches []Match
	// Start and End are the rune offsets of the text the matches replace.
	Start, End int
}

// Match is one completion.
type Match struct {
	Text string
	// Kind says what it is: "function", "method", "field", "variable",
	// "constant", "type", "module", "keyword", "magic" or "option".
	Kind string
	// Signature is its type, or a function's signature, when known.
	Signature string
}

// Complete is Session.Complete for a session with the definitions defs
// (oldest first). It needs no interpreter, so that the kernel process
// answers completions itself, also while a cell runs.
func Complete(defs []Definition, code string, cursor int) Completion {
	cursor, at, prefix, before := completionContext(code, cursor)
	c := Completion{Start: cursor - utf8.RuneCountInString(prefix), End: cursor}
	found, add := completionSet(prefix)
	member := false
	switch {
	case magicCompletions(code, at, &c, add):
	case importCompletions(code, at, &c, &found):
	case strings.HasSuffix(before, "."):
		member = true
		start, ok := exprStart(before[:len(before)-1])
		if !ok {
			break
		}
		x, err := parser.ParseExpr(before[start : len(before)-1])
		if err != nil {
			break
		}
		ty := newTyper(defs, code, start)
		switch op := ty.typeOf(x); op.mode {
		case modePackage:
			packageMembers(op.pkgPath, add)
		case modeValue:
			for _, m := range ty.members(op.t) {
				add(m.name, m.kind, m.sig)
			}
		}
	case literalFields(defs, code, len(before), add):
		member = true
	default:
		identCompletions(defs, code, len(before), add)
	}
	c.Matches = sortCompletions(found, member)
	return c
}

// completionContext clamps cursor (a rune offset) to code and returns
// it with its byte offset, the identifier being typed before it, and the
// text before that identifier.
func completionContext(code string, cursor int) (clamped, at int, prefix, before string) {
	if cursor < 0 {
		cursor = 0
	}
	if n := utf8.RuneCountInString(code); cursor > n {
		cursor = n
	}
	at = runeToByte(code, cursor)
	prefix = identBefore(code, at)
	return cursor, at, prefix, code[:at-len(prefix)]
}

// completionSet returns a set of matches and the func that adds the
// names that start with prefix, leaving out spinlab's own. The first
// kind and signature given for a name win.
func completionSet(prefix string) (map[string]Match, func(name, kind, sig string)) {
	found := map[string]Match{}
	return found, func(name, kind, sig string) {
		if strings.HasPrefix(name, prefix) && !strings.HasPrefix(name, "_spinlab") && name != "_" {
			if _, ok := found[name]; !ok {
				found[name] = Match{Text: name, Kind: kind, Signature: sig}
			}
		}
	}
}

// sortCompletions orders matches by name, exported names first after a
// selector.
func sortCompletions(found map[string]Match, member bool) []Match {
	matches := make([]Match, 0, len(found))
	for _, m := range found {
		matches = append(matches, m)
	}
	sort.Slice(matches, func(i, j int) bool {
		ei, ej := isExported(matches[i].Text), isExported(matches[j].Text)
		if ei != ej && member {
			return ei
		}
		return matches[i].Text < matches[j].Text
	})
	return matches
}

func isExported(name string) bool {
	r, _ := utf8.DecodeRuneInString(name)
	return unicode.IsUpper(r)
}

func kindName(k string) string {
	switch k {
	case kindFunc:
		return "function"
	case kindConst:
		return "constant"
	case kindVar:
		return "variable"
	case kindType:
		return "type"
	}
	return k
}

// packageMembers adds the exported members of the package at path.
func packageMembers(path string, add func(name, kind, sig string)) {
	for member, v := range symbols.Table(symbolKey(path)) {
		if strings.HasPrefix(member, "_") {
			continue
		}
		kind := symbolKind(v)
		add(member, kind, symbolSignature(path, member, v, kind))
	}
}

// symbolSignature describes a package member for a completion: a
// function's signature, a variable's type, a constant's value.
func symbolSignature(path, name string, v reflect.Value, kind string) string {
	switch kind {
	case "function":
		if p := docs.Lookup(path); p != nil {
			if sym, ok := p.Symbols[name]; ok && sym.Kind == "func" {
				return sym.Decl // with parameter names
			}
		}
		return v.Type().String()
	case "type":
		return "type " + v.Type().Elem().String()
	case "variable":
		return v.Type().String()
	}
	if !v.IsValid() {
		return ""
	}
	if c, ok := v.Interface().(constant.Value); ok {
		return c.ExactString()
	}
	return fmt.Sprintf("%s = %v", v.Type(), v.Interface())
}

// identCompletions adds the names in scope at byte offset at.
func identCompletions(defs []Definition, code string, at int, add func(name, kind, sig string)) {
	ty := newTyper(defs, code, at)
	for name, l := range ty.locals().names {
		sig := ""
		switch l.kind {
		case kindFunc:
			sig = funcSignature(l.typ.(*ast.FuncType))
		case kindVar, kindConst:
			sig = ty.typeString(ty.localOf(l))
		}
		add(name, kindName(l.kind), sig)
	}
	for i := len(defs) - 1; i >= 0; i-- {
		d := defs[i]
		if d.Kind == kindImport {
			add(d.Name, "module", packagePath(defs, d.Name))
			continue
		}
		if strings.Contains(d.Name, ".") || strings.Contains(d.Name, ",") {
			continue
		}
		sig := ""
		switch d.Kind {
		case kindFunc:
			if fd, ok := ty.decl(d).(*ast.FuncDecl); ok {
				sig = funcSignature(fd.Type)
			}
		case kindVar, kindConst:
			sig = ty.typeString(ty.identOf(d.Name))
		}
		add(d.Name, kindName(d.Kind), sig)
	}
	for _, k := range goKeywords {
		add(k, "keyword", "")
	}
	for b, k := range goBuiltins {
		add(b, k, "")
	}
	byName, _ := importable()
	for name, path := range byName {
		add(name, "module", path)
	}
}

// typeString renders an operand's type for a completion's signature.
func (ty *typer) typeString(op operand) string {
	if op.mode != modeValue {
		return ""
	}
	if op.t.rt != nil {
		return op.t.rt.String()
	}
	return types.ExprString(op.t.x)
}

// IsComplete is Session.IsComplete: it parses, so it needs no session.
func IsComplete(code string) (status, indent string) {
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	if _, ok, err := parseMagic(code); ok {
		if err != nil {
			return "invalid", ""
		}
		return "complete", ""
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	var sc scanner.Scanner
	var scanErr string
	sc.Init(file, []byte(code), func(_ token.Position, msg string) {
		if scanErr == "" {
			scanErr = msg
		}
	}, 0)
	// open holds the line of each bracket still open: the next line is
	// indented one level per line that left brackets open, as gofmt
	// indents "f(func() {" once, not twice.
	var open []int
	last := token.ILLEGAL
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			open = append(open, file.Line(pos))
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(open) == 0 {
				return "invalid", ""
			}
			open = open[:len(open)-1]
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		last = tok
	}
	if scanErr != "" {
		if strings.Contains(scanErr, "raw string literal not terminated") || strings.Contains(scanErr, "comment not terminated") {
			return "incomplete", ""
		}
		return "invalid", ""
	}
	levels := 0
	for i, line := range open {
		if i == 0 || line != open[i-1] {
			levels++
		}
	}
	base := strings.Repeat("    ", levels)
	if levels > 0 {
		return "incomplete", base
	}
	switch last {
	case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR,
		token.SHL, token.SHR, token.AND_NOT, token.LAND, token.LOR, token.ARROW, token.EQL,
		token.LSS, token.GTR, token.ASSIGN, token.NOT, token.NEQ, token.LEQ, token.GEQ,
		token.DEFINE, token.COMMA, token.PERIOD, token.COLON, token.ELSE:
		return "incomplete", base
	}
	items, err := splitCell(code)
	if err != nil {
		return "invalid", ""
	}
	for _, it := range items {
		if _, err := parseUnit(it); err != nil {
			return "invalid", ""
		}
	}
	return "complete", ""
}

// Builtin returns the kind of a predeclared name of Go ("function",
// "type", "constant", "variable"), if name is one.
func Builtin(name string) (kind string, ok bool) {
	kind, ok = goBuiltins[name]
	return kind, ok
}
