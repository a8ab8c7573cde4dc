package interp

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/spinlab/spinlab/interp/symbols"
	"github.com/spinlab/spinlab/kernel/display"
)

// Inspect describes the name at cursor (a rune offset): the signature
// and documentation of a package member (documentation when the Go
// sources are installed), the source of a session definition, or the type
// and value of a variable. detail > 0 adds a function's full source.
func (s *Session) Inspect(code string, cursor, detail int) (display.Bundle, bool) {
	if cursor < 0 {
		cursor = 0
	}
	if m, ok, _ := parseMagic(code); ok {
		for _, k := range knownMagics {
			if strings.TrimLeft(k.name, "%") == m.Name && strings.HasPrefix(k.name, map[bool]string{true: "%%", false: "%"}[m.Cell]) {
				return textBundle(k.usage + "\n\n" + k.help), true
			}
		}
	}
	at := runeToByte(code, cursor)
	// Extend to the end of the identifier under the cursor.
	end := at
	for end < len(code) {
		r, n := utf8.DecodeRuneInString(code[end:])
		if !isIdentRune(r) {
			break
		}
		end += n
	}
	name := identBefore(code, end)
	if name == "" {
		// the cursor just after a call's parenthesis: inspect the callee
		i := at
		for i > 0 && (code[i-1] == '(' || code[i-1] == ' ') {
			i--
		}
		end = i
		name = identBefore(code, end)
	}
	if name == "" {
		return display.Bundle{}, false
	}
	before := code[:end-len(name)]
	if strings.HasSuffix(before, ".") {
		x := identBefore(before, len(before)-1)
		if text, ok := s.inspectMember(x, name); ok {
			return textBundle(text), true
		}
		return display.Bundle{}, false
	}
	s.mu2.Lock()
	var defs []Definition
	for _, d := range s.defs {
		if d.Name == name || strings.HasPrefix(d.Name, name+".") {
			defs = append(defs, d)
		}
	}
	s.mu2.Unlock()
	var parts []string
	for _, d := range defs {
		parts = append(parts, d.Source)
	}
	if v, ok := s.globals()[name]; ok && v.IsValid() {
		parts = append(parts, fmt.Sprintf("%s = %s", name, plainText(v)))
	}
	if len(parts) > 0 {
		return textBundle(strings.Join(parts, "\n\n")), true
	}
	if k, ok := goBuiltins[name]; ok {
		return textBundle(fmt.Sprintf("%s (built-in %s)", name, k)), true
	}
	if byName, _ := importable(); byName[name] != "" {
		p := byName[name]
		text := fmt.Sprintf("package %s // import %q", name, p)
		if pd := packageDoc(p); pd != nil && pd.Doc != "" {
			text += "\n\n" + pd.Doc
		}
		return textBundle(text), true
	}
	return display.Bundle{}, false
}

// inspectMember describes x.name: a package member or a variable's field
// or method.
func (s *Session) inspectMember(x, name string) (string, bool) {
	if v, ok := s.globals()[x]; ok && v.IsValid() {
		t := v.Type()
		if m, ok := t.MethodByName(name); ok {
			return fmt.Sprintf("func (%s) %s%s", t, name, strings.TrimPrefix(m.Type.String(), "func")), true
		}
		st := t
		if st.Kind() == reflect.Pointer {
			st = st.Elem()
		}
		if st.Kind() == reflect.Struct {
			if f, ok := st.FieldByName(name); ok {
				return fmt.Sprintf("field %s %s", name, f.Type), true
			}
		}
		// methods of interpreted types are not in reflection
		if d, ok := s.definition(x); ok && d.Kind == kindVar {
			typ := strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(d.Source, "var "+x)), "*")
			if m, ok := s.definition(typ + "." + name); ok {
				return m.Source, true
			}
		}
		return "", false
	}
	path := packagePath(s.Definitions(), x)
	syms := symbols.Table(symbolKey(path))
	if path == "" || syms == nil {
		return "", false
	}
	v, ok := syms[name]
	if !ok {
		return "", false
	}
	sig := ""
	switch symbolKind(v) {
	case "function":
		sig = "func " + x + "." + name + strings.TrimPrefix(v.Type().String(), "func")
	case "type":
		sig = "type " + x + "." + name + " " + v.Type().Elem().Kind().String()
	case "variable":
		sig = "var " + x + "." + name + " " + v.Type().String()
	default:
		sig = fmt.Sprintf("const %s.%s = %v", x, name, v.Interface())
	}
	if d, ok := symbolDoc(path, name); ok {
		return d, true
	}
	return sig, true
}

var (
	docMu    sync.Mutex
	docCache = map[string]*doc.Package{}
)

// goroot finds the Go sources, if installed.
func goroot() string {
	for _, dir := range []string{os.Getenv("GOROOT"), runtime.GOROOT()} {
		if dir != "" {
			if _, err := os.Stat(filepath.Join(dir, "src", "fmt")); err == nil {
				return dir
			}
		}
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "src", "fmt")); err == nil {
			return dir
		}
	}
	return ""
}

var gorootOnce = sync.OnceValue(goroot)

// packageDoc reads a standard package's documentation from GOROOT, or nil.
func packageDoc(path string) *doc.Package {
	docMu.Lock()
	defer docMu.Unlock()
	if pd, ok := docCache[path]; ok {
		return pd
	}
	docCache[path] = nil
	root := gorootOnce()
	if root == "" || strings.Contains(path, ".") {
		return nil
	}
	dir := filepath.Join(root, "src", filepath.FromSlash(path))
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		return nil
	}
	for name, p := range pkgs {
		if name == "main" || strings.HasSuffix(name, "_test") {
			continue
		}
		var files []*ast.File
		for _, f := range p.Files {
			files = append(files, f)
		}
		pd, err := doc.NewFromFiles(fset, files, path)
		if err != nil {
			return nil
		}
		pd.Filenames = nil
		docCache[path] = pd
		docFsets[path] = fset
		return pd
	}
	return nil
}

var docFsets = map[string]*token.FileSet{}

// symbolDoc returns the declaration and documentation of a package member.
func symbolDoc(path, name string) (string, bool) {
	pd := packageDoc(path)
	if pd == nil {
		return "", false
	}
	docMu.Lock()
	fset := docFsets[path]
	docMu.Unlock()
	render := func(decl ast.Node, text string) string {
		var b strings.Builder
		if fd, ok := decl.(*ast.FuncDecl); ok {
			fd.Body = nil
		}
		_ = printer.Fprint(&b, fset, decl)
		if text != "" {
			b.WriteString("\n\n" + strings.TrimSpace(text))
		}
		return b.String()
	}
	for _, f := range pd.Funcs {
		if f.Name == name {
			return render(f.Decl, f.Doc), true
		}
	}
	for _, t := range pd.Types {
		if t.Name == name {
			return render(t.Decl, t.Doc), true
		}
		for _, f := range t.Funcs {
			if f.Name == name {
				return render(f.Decl, f.Doc), true
			}
		}
		for _, v := range append(t.Consts, t.Vars...) {
			for _, n := range v.Names {
				if n == name {
					return render(v.Decl, v.Doc), true
				}
			}
		}
	}
	for _, v := range append(pd.Consts, pd.Vars...) {
		for _, n := range v.Names {
			if n == name {
				return render(v.Decl, v.Doc), true
			}
		}
	}
	return "", false
}
