package interp

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

// Complete returns completions for the code at cursor (a rune offset),
// from the session's definitions alone: the members of a package, the
// fields and methods of an expression's type (static reasoning, nothing
// runs), struct fields inside a composite literal, the names in scope
// (the cell's own included, before it ran), magics and their options,
// and import paths.
func (s *Session) Complete(code string, cursor int) Completion {
	return Complete(s.Definitions(), code, cursor)
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

// packagePath returns the import path that name stands for after defs:
// the last import of that name, or else the importable package the
// session would import for it; "" if none.
func packagePath(defs []Definition, name string) string {
	path := ""
	for _, d := range defs {
		if d.Kind == kindImport && d.Name == name {
			path = strings.Trim(strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(d.Source, "import"), " "+name)), `"`)
		}
	}
	if path == "" {
		byName, _ := importable()
		path = byName[name]
	}
	return path
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

// symbolKind classifies a yaegi symbol table entry.
func symbolKind(v reflect.Value) string {
	if !v.IsValid() {
		return "constant"
	}
	if _, ok := v.Interface().(constant.Value); ok {
		return "constant"
	}
	switch {
	case v.Kind() == reflect.Func:
		return "function"
	case v.Kind() == reflect.Pointer && v.IsNil():
		return "type"
	case v.CanAddr():
		return "variable"
	}
	return "constant"
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
		for _, m := range knownMagics {
			if len(m.name)-len(strings.TrimLeft(m.name, "%")) == percents {
				add(strings.TrimLeft(m.name, "%"), "magic", m.usage)
			}
		}
		return true
	}
	var usage string
	for _, m := range knownMagics {
		if m.name == name {
			usage = m.usage
		}
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

// IsComplete says whether code is ready to run: "complete", "incomplete"
// (with the indent of the next line) or "invalid".
func (s *Session) IsComplete(code string) (status, indent string) {
	return IsComplete(code)
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
