package complete

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/interp/cell"
	"github.com/spinlab/spinlab/interp/docs"
	"github.com/spinlab/spinlab/interp/symbols"
)

// Inspect describes the name at cursor (a rune offset), as Shift-Tab
// shows it: a package member's declaration (with parameter names, a
// type's fields) and doc comment, with a type's constructors and
// methods; a field or method of an expression's type; a session
// declaration's source; a magic's usage. The documentation of packages
// comes from the table captured at build time (interp/docs), so it needs
// no Go sources. detail > 0 adds the doc comments of a type's methods and
// the full package comment.
//
// It answers from a session's definitions (defs, oldest first) and the
// documentation table alone, so that the kernel process answers it
// itself: packages and their members, the members of expressions'
// compiled types, the cell's own names, magics. It is not found when the
// answer needs the live session (a variable's value, the doc comment of
// a session declaration): ask InspectLive then.
func Inspect(defs []Definition, code string, cursor, detail int) (display.Bundle, bool) {
	in := inspector{defs: defs}
	text, ok := in.inspect(code, cursor, detail)
	if !ok {
		return display.Bundle{}, false
	}
	return textBundle(text), true
}

// inspector answers one inspection. sess, when set, adds what only the
// live session knows.
type inspector struct {
	defs []Definition
	sess *live
}

// Live is what a running session adds to an inspection: the doc comments
// of its declarations and the values of its variables.
type Live interface {
	// Doc returns the doc comment of the session's definition name
	// (Definition.Name), or "".
	Doc(name string) string
	// Globals returns the session's variables by name, as
	// cell.Scope.Globals does.
	Globals() map[string]reflect.Value
	// ValueText renders the value of a variable as Go's %v prints it.
	ValueText(v reflect.Value) string
}

// InspectLive is Inspect with what only a running session knows: the
// doc comments of its declarations and the values of its variables.
func InspectLive(l Live, defs []Definition, code string, cursor, detail int) (display.Bundle, bool) {
	in := inspector{defs: defs, sess: &live{l}}
	text, ok := in.inspect(code, cursor, detail)
	if !ok {
		return display.Bundle{}, false
	}
	return textBundle(text), true
}

// live is the Live of an inspection.
type live struct{ l Live }

// withDoc puts a definition's doc comment, if the cell that made it had
// one, above its source.
func (s *live) withDoc(name, source string) string {
	doc := s.l.Doc(name)
	if doc == "" {
		return source
	}
	return "// " + strings.ReplaceAll(strings.TrimSpace(doc), "\n", "\n// ") + "\n" + source
}

func (s *live) globals() map[string]reflect.Value { return s.l.Globals() }

func textBundle(s string) display.Bundle {
	return display.Bundle{Data: map[string]any{"text/plain": s}, Metadata: map[string]any{}}
}

func (in inspector) inspect(code string, cursor, detail int) (string, bool) {
	if cursor < 0 {
		cursor = 0
	}
	if m, ok, _ := parseMagic(code); ok {
		for _, k := range cell.Magics() {
			if strings.TrimLeft(k.Name, "%") == m.Name && strings.HasPrefix(k.Name, map[bool]string{true: "%%", false: "%"}[m.Cell]) {
				return k.Usage + "\n\n" + k.Help, true
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
		return "", false
	}
	defs := in.defs
	before := code[:end-len(name)]
	if strings.HasSuffix(before, ".") {
		start, ok := exprStart(before[:len(before)-1])
		if !ok {
			return "", false
		}
		x, err := parser.ParseExpr(before[start : len(before)-1])
		if err != nil {
			return "", false
		}
		ty := newTyper(defs, code, start)
		switch op := ty.typeOf(x); op.mode {
		case modePackage:
			return packageMemberDoc(op.pkgPath, name, detail)
		case modeValue:
			return in.memberDoc(ty, op.t, name, detail)
		case modeType: // a method expression, T.M
			return in.memberDoc(ty, op.t, name, detail)
		}
		return "", false
	}
	ty := newTyper(defs, code, len(before))
	if l, ok := ty.localName(name); ok {
		return localDoc(ty, name, l), true
	}
	if text, ok, known := in.sessionDoc(name, detail); known {
		return text, ok
	}
	if k, ok := goBuiltins[name]; ok {
		if p := docs.Lookup("builtin"); p != nil {
			if sym, ok := p.Symbols[name]; ok {
				return p.Decl(sym) + "\n\n" + sym.Doc, true
			}
		}
		return fmt.Sprintf("%s (built-in %s)", name, k), true
	}
	if path := packagePath(defs, name); path != "" {
		return packageDoc(path, name, detail), true
	}
	return "", false
}

// packageDoc describes a package: its import line and its comment (the
// first paragraph, or all of it at detail > 0).
func packageDoc(path, name string, detail int) string {
	text := fmt.Sprintf("package %s // import %q", name, path)
	if p := docs.Lookup(path); p != nil && p.Doc != "" {
		doc := p.Doc
		if detail == 0 {
			if i := strings.Index(doc, "\n\n"); i >= 0 {
				doc = doc[:i]
			}
		}
		text += "\n\n" + doc
	}
	return text
}

// packageMemberDoc describes path.name from the documentation table, or
// from the symbol table when the table lacks it.
func packageMemberDoc(path, name string, detail int) (string, bool) {
	if p := docs.Lookup(path); p != nil {
		if sym, ok := p.Symbols[name]; ok {
			return symbolText(p, name, sym, detail), true
		}
	}
	v, ok := symbols.Table(symbolKey(path))[name]
	if !ok {
		return "", false
	}
	kind := symbolKind(v)
	return fmt.Sprintf("%s %s.%s: %s", kind, packageName(path), name, symbolSignature(path, name, v, kind)), true
}

// symbolText renders a documented symbol as go doc does: the
// declaration, the doc comment, and for a type the functions that return
// it and its methods (with their comments at detail > 0).
func symbolText(p *docs.Package, name string, sym docs.Symbol, detail int) string {
	var b strings.Builder
	b.WriteString(p.Decl(sym))
	if sym.Doc != "" {
		b.WriteString("\n\n" + sym.Doc)
	}
	for _, f := range sym.Funcs {
		b.WriteString("\n\n" + f)
	}
	if len(sym.Methods) > 0 {
		b.WriteString("\n")
		for _, m := range sym.Methods {
			b.WriteString("\n" + m)
			if detail > 0 {
				if ms, ok := p.Symbols[name+"."+methodName(m)]; ok && ms.Doc != "" {
					b.WriteString("\n    " + strings.ReplaceAll(ms.Doc, "\n", "\n    ") + "\n")
				}
			}
		}
	}
	return b.String()
}

// methodName returns the name of the method a declaration declares.
func methodName(decl string) string {
	_, rest, _ := strings.Cut(decl, ") ")
	name, _, _ := strings.Cut(rest, "(")
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	return strings.TrimSpace(name)
}

// memberDoc describes the field or method name of a value of type t.
func (in inspector) memberDoc(ty *typer, t ctype, name string, detail int) (string, bool) {
	m, ok := ty.member(t, name)
	if !ok {
		return "", false
	}
	base := ty.deref(t)
	if base.rt != nil {
		if text, ok := compiledMemberDoc(base.rt, name, m, 0); ok {
			return text, true
		}
	}
	if id, ok := base.x.(*ast.Ident); ok {
		if m.kind == "method" {
			if d, ok := ty.definition(id.Name + "." + name); ok {
				if in.sess == nil {
					return "", false // its doc comment is the session's
				}
				return in.sess.withDoc(d.Name, d.Source), true
			}
			if fd, ok := ty.localMethods(id.Name)[name]; ok {
				return "func (" + id.Name + ") " + name + strings.TrimPrefix(funcSignature(fd.Type), "func"), true
			}
		}
		if ts := ty.typeSpec(id.Name); ts != nil {
			return fmt.Sprintf("field %s %s\n\nof type %s", name, m.sig, id.Name), true
		}
	}
	return fmt.Sprintf("%s %s %s", m.kind, name, m.sig), true
}

// compiledMemberDoc finds the documentation of a compiled type's field or
// method, through embedded fields.
func compiledMemberDoc(rt reflect.Type, name string, m member, depth int) (string, bool) {
	if depth > 3 {
		return "", false
	}
	if p := docs.Lookup(rt.PkgPath()); p != nil && rt.Name() != "" {
		if sym, ok := p.Symbols[rt.Name()+"."+name]; ok {
			return p.Decl(sym) + "\n\n" + sym.Doc, true
		}
		if m.kind == "field" {
			if ts, ok := p.Symbols[rt.Name()]; ok {
				if doc, ok := fieldComment(p.Decl(ts), name); ok {
					text := fmt.Sprintf("field %s %s\n\nof type %s.%s", name, m.sig, p.Name, rt.Name())
					if doc != "" {
						text += "\n\n" + doc
					}
					return text, true
				}
			}
		}
	}
	if rt.Kind() == reflect.Struct {
		for i := range rt.NumField() {
			if f := rt.Field(i); f.Anonymous {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if text, ok := compiledMemberDoc(ft, name, m, depth+1); ok {
					return text, true
				}
			}
		}
	}
	return "", false
}

// fieldComment returns the comment above a field in a struct's
// declaration, and whether the field is there.
func fieldComment(decl, field string) (string, bool) {
	var comment []string
	for line := range strings.SplitSeq(decl, "\n") {
		l := strings.TrimSpace(line)
		if c, ok := strings.CutPrefix(l, "//"); ok {
			comment = append(comment, strings.TrimSpace(c))
			continue
		}
		names, _, _ := strings.Cut(l, " ")
		for n := range strings.SplitSeq(names, ",") {
			if n != field {
				continue
			}
			if _, trailing, ok := strings.Cut(l, "//"); ok {
				comment = append(comment, strings.TrimSpace(trailing))
			}
			return strings.Join(comment, "\n"), true
		}
		comment = nil
	}
	return "", false
}

// localDoc describes a name the cell being edited declares.
func localDoc(ty *typer, name string, l *localName) string {
	switch l.kind {
	case kindFunc:
		return "func " + name + strings.TrimPrefix(funcSignature(l.typ.(*ast.FuncType)), "func")
	case kindType:
		return "type " + name + " " + types.ExprString(l.spec.Type)
	}
	if t := ty.typeString(ty.localOf(l)); t != "" {
		return fmt.Sprintf("%s %s %s", l.kind, name, t)
	}
	return fmt.Sprintf("%s %s", l.kind, name)
}

// sessionDoc describes a session declaration: its doc comment and
// source, with the methods of a type and the value of a variable. known
// says whether name is the session's; without the live session, nothing
// is found for it.
func (in inspector) sessionDoc(name string, detail int) (text string, ok, known bool) {
	var parts []string
	isVar := false
	for _, d := range in.defs {
		if d.Kind == kindImport {
			continue
		}
		if d.Name == name || strings.HasPrefix(d.Name, name+".") {
			parts = append(parts, d.Source)
			if in.sess != nil {
				parts[len(parts)-1] = in.sess.withDoc(d.Name, d.Source)
			}
			isVar = isVar || d.Kind == kindVar
		}
	}
	if len(parts) == 0 {
		return "", false, false
	}
	if in.sess == nil {
		return "", false, true
	}
	if isVar {
		if v, ok := in.sess.globals()[name]; ok && v.IsValid() {
			parts = append(parts, fmt.Sprintf("%s = %s", name, in.sess.l.ValueText(v)))
			if detail > 0 {
				// the documentation of a compiled type
				t := v.Type()
				for t.Kind() == reflect.Pointer {
					t = t.Elem()
				}
				if p := docs.Lookup(t.PkgPath()); p != nil {
					if sym, ok := p.Symbols[t.Name()]; ok {
						parts = append(parts, symbolText(p, t.Name(), sym, 0))
					}
				}
			}
		}
	}
	return strings.Join(parts, "\n\n"), true, true
}

// commentAbove returns the lines of // comments right above byte offset
// off of code (the doc comment of the declaration there), each with its
// newline.
func commentAbove(code string, off int) string {
	lines := strings.Split(code[:off], "\n")
	lines = lines[:len(lines)-1] // the text before the declaration on its line
	i := len(lines)
	for i > 0 && strings.HasPrefix(strings.TrimSpace(lines[i-1]), "//") {
		i--
	}
	if i == len(lines) {
		return ""
	}
	return strings.Join(lines[i:], "\n") + "\n"
}

// DeclDocs returns the doc comments of the declarations of a cell, by
// the name of the definition each makes (Definition.Name: "T.M" for a
// method): definitions carry no comments, so a session notes them for
// InspectLive's Live.Doc.
func DeclDocs(code string) map[string]string {
	items, err := splitCell(code)
	if err != nil {
		return nil
	}
	found := map[string]string{}
	for _, it := range items {
		if !it.IsDecl() {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+commentAbove(code, it.Off())+it.Src(), parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				name := d.Name.Name
				if d.Recv != nil && len(d.Recv.List) == 1 {
					name = embeddedName(d.Recv.List[0].Type) + "." + name
				}
				found[name] = d.Doc.Text()
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					doc := d.Doc.Text()
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						if sp.Doc != nil {
							doc = sp.Doc.Text()
						}
						found[sp.Name.Name] = doc
					case *ast.ValueSpec:
						if sp.Doc != nil {
							doc = sp.Doc.Text()
						}
						for _, n := range sp.Names {
							found[n.Name] = doc
						}
					}
				}
			}
		}
	}
	return found
}
