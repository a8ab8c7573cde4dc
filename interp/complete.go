package interp

import (
	"go/constant"
	"go/scanner"
	"go/token"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

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

// Complete returns completions for the identifier before cursor (a rune
// offset in code): package members after pkg., fields and methods after a
// variable's v., otherwise keywords, built-ins, the session's names and
// importable packages. start and end are rune offsets of the text the
// matches replace; kinds says what each match is.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int, kinds []string) {
	cursor, at, prefix, before := completionContext(code, cursor)
	start = cursor - utf8.RuneCountInString(prefix)
	end = cursor
	found, add := completionSet(prefix)
	switch {
	case strings.HasSuffix(before, "%") && strings.TrimSpace(strings.TrimRight(before, "%")) == "":
		for _, m := range knownMagics {
			name := strings.TrimLeft(m.name, "%")
			if strings.Count(before, "%") == strings.Count(m.name, "%") {
				add(name, "magic")
			}
		}
	case strings.HasSuffix(before, "."):
		x := identBefore(before, len(before)-1)
		if x == "" {
			break
		}
		s.memberCompletions(x, add)
	default:
		for _, k := range goKeywords {
			add(k, "keyword")
		}
		for b, k := range goBuiltins {
			add(b, k)
		}
		s.mu2.Lock()
		defs := append([]Definition(nil), s.defs...)
		s.mu2.Unlock()
		for _, d := range defs {
			if d.Kind == kindImport {
				add(d.Name, "module")
				continue
			}
			if !strings.Contains(d.Name, ".") && !strings.Contains(d.Name, ",") {
				add(d.Name, kindName(d.Kind))
			}
		}
		for name := range s.globals() {
			add(name, "variable")
		}
		byName, _ := importable()
		for name := range byName {
			add(name, "module")
		}
		// Names of the code being written.
		var sc scanner.Scanner
		fset := token.NewFileSet()
		sc.Init(fset.AddFile("", -1, len(code)), []byte(code), func(token.Position, string) {}, 0)
		for {
			pos, tok, lit := sc.Scan()
			if tok == token.EOF {
				break
			}
			if tok == token.IDENT && int(pos)-1+len(lit) != at {
				add(lit, "variable")
			}
		}
	}
	matches, kinds = sortCompletions(found, strings.HasSuffix(before, "."))
	return matches, start, end, kinds
}

// CompleteMember answers a completion after "pkg." from a session's
// definitions alone, as Session.Complete answers it, so that the kernel
// process can answer it without a round trip to the evaluator. ok is
// false when the answer needs the live session: the text before the
// cursor is not x.name, or x is not a package, or one of the session's
// own names (which Complete looks at first) is x.
func CompleteMember(defs []Definition, code string, cursor int) (matches []string, start, end int, kinds []string, ok bool) {
	cursor, _, prefix, before := completionContext(code, cursor)
	if !strings.HasSuffix(before, ".") {
		return nil, 0, 0, nil, false
	}
	x := identBefore(before, len(before)-1)
	if x == "" {
		return nil, 0, 0, nil, false
	}
	for _, d := range defs {
		if d.Kind == kindImport {
			continue
		}
		for _, name := range strings.Split(d.Name, ",") {
			if strings.TrimSpace(name) == x {
				return nil, 0, 0, nil, false
			}
		}
	}
	found, add := completionSet(prefix)
	if !packageMembers(defs, x, add) {
		return nil, 0, 0, nil, false
	}
	matches, kinds = sortCompletions(found, true)
	return matches, cursor - utf8.RuneCountInString(prefix), cursor, kinds, true
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

// completionSet returns a set of matches (name to kind) and the func that
// adds the names that start with prefix, leaving out spinlab's own.
func completionSet(prefix string) (map[string]string, func(name, kind string)) {
	found := map[string]string{}
	return found, func(name, kind string) {
		if strings.HasPrefix(name, prefix) && !strings.HasPrefix(name, "_spinlab") && name != "_" {
			if _, ok := found[name]; !ok {
				found[name] = kind
			}
		}
	}
}

// sortCompletions orders matches by name, exported names first after a
// selector, and returns them with their kinds.
func sortCompletions(found map[string]string, member bool) (matches, kinds []string) {
	for name := range found {
		matches = append(matches, name)
	}
	sort.Slice(matches, func(i, j int) bool {
		ei, ej := isExported(matches[i]), isExported(matches[j])
		if ei != ej && member {
			return ei
		}
		return matches[i] < matches[j]
	})
	kinds = make([]string, len(matches))
	for i, m := range matches {
		kinds[i] = found[m]
	}
	return matches, kinds
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

// packageSymbols returns the symbol table of the package that name stands
// for in the session (imported, always imported, or importable).
func (s *Session) packageSymbols(name string) (string, map[string]reflect.Value) {
	s.mu2.Lock()
	path := packagePath(s.defs, name)
	s.mu2.Unlock()
	if path == "" {
		return "", nil
	}
	return path, symbols.Table(symbolKey(path))
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

// packageMembers adds the exported members of the package that name
// stands for after defs, and reports whether name stands for one. It
// builds that package's table alone, so that the kernel process can call
// it cheaply.
func packageMembers(defs []Definition, name string, add func(name, kind string)) bool {
	path := packagePath(defs, name)
	if path == "" {
		return false
	}
	table := symbols.Table(symbolKey(path))
	for member, v := range table {
		if !strings.HasPrefix(member, "_") {
			add(member, symbolKind(v))
		}
	}
	return table != nil
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

// memberCompletions adds the members of x: a package, or a variable's
// fields and methods.
func (s *Session) memberCompletions(x string, add func(name, kind string)) {
	if v, ok := s.globals()[x]; ok && v.IsValid() {
		t := v.Type()
		if v.Kind() == reflect.Interface && !v.IsNil() {
			t = v.Elem().Type()
		}
		addMembers(t, add)
		// methods of interpreted types are not in reflection: use the
		// session's method definitions for the variable's declared type.
		if d, ok := s.definition(x); ok && d.Kind == kindVar {
			typ := strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(d.Source, "var "+x)), "*")
			for _, m := range s.methodsOf(typ) {
				add(m, "method")
			}
		}
		return
	}
	s.mu2.Lock()
	defs := slices.Clone(s.defs)
	s.mu2.Unlock()
	packageMembers(defs, x, add)
}

func (s *Session) methodsOf(typ string) []string {
	s.mu2.Lock()
	defer s.mu2.Unlock()
	var ms []string
	for _, d := range s.defs {
		if d.Kind == kindFunc && strings.HasPrefix(d.Name, typ+".") {
			ms = append(ms, strings.TrimPrefix(d.Name, typ+"."))
		}
	}
	return ms
}

func addMembers(t reflect.Type, add func(name, kind string)) {
	for i := 0; i < t.NumMethod(); i++ {
		add(t.Method(i).Name, "method")
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
		for i := 0; i < t.NumMethod(); i++ {
			add(t.Method(i).Name, "method")
		}
	}
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() || f.Anonymous {
				add(f.Name, "field")
			}
		}
	}
}

// IsComplete says whether code is ready to run: "complete", "incomplete"
// (with the indent of the next line) or "invalid".
func (s *Session) IsComplete(code string) (status, indent string) {
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
