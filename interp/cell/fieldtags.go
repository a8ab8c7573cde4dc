package cell

import (
	"go/ast"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hiddenTag is the struct tag the session gives the unexported fields of
// the struct types a cell declares. yaegi v0.16.1 builds an interpreted
// struct with reflect.StructOf, which needs exported names: a field skip
// becomes Xskip, and encoding/json and encoding/xml, which ignore Go's
// unexported fields, marshal it. With the tag they skip it, as Go does.
const hiddenTag = `json:"-" xml:"-"`

// hideUnexportedFields tags the unexported fields of the struct types the
// unit declares (type T struct{...}, at any level) with hiddenTag, in
// place of any json or xml key they had (Go ignores those on an
// unexported field); the field's other keys stay, after it. Embedded
// fields are left alone: the exported fields of an embedded unexported
// struct are promoted, in Go's encoding/json too.
func hideUnexportedFields(u *unit) {
	ast.Inspect(u.file, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return true
		}
		for _, f := range st.Fields.List {
			if len(f.Names) == 0 || !allUnexported(f.Names) {
				continue
			}
			if f.Tag == nil {
				at := u.offset(f.Type.End())
				u.edit(at, at, " `"+hiddenTag+"`")
				continue
			}
			if f.Tag.Kind != token.STRING {
				continue
			}
			tag, err := strconv.Unquote(f.Tag.Value)
			if err != nil || strings.Contains(f.Tag.Value, "\n") {
				continue
			}
			u.edit(u.offset(f.Tag.Pos()), u.offset(f.Tag.End()), quoteTag(hideTag(tag)))
		}
		return true
	})
}

// allUnexported reports names that are all unexported, and not blank.
func allUnexported(names []*ast.Ident) bool {
	for _, n := range names {
		if n.Name == "_" || ast.IsExported(n.Name) {
			return false
		}
	}
	return true
}

// hideTag returns tag with hiddenTag in place of its json and xml keys.
func hideTag(tag string) string {
	kept := []string{hiddenTag}
	for _, kv := range tagPairs(tag) {
		if kv.key != "json" && kv.key != "xml" {
			kept = append(kept, kv.key+":"+strconv.Quote(kv.value))
		}
	}
	return strings.Join(kept, " ")
}

// quoteTag writes a tag as a raw string when it can.
func quoteTag(tag string) string {
	if strings.ContainsAny(tag, "`\n") {
		return strconv.Quote(tag)
	}
	return "`" + tag + "`"
}

type tagPair struct{ key, value string }

// tagPairs splits a struct tag by reflect.StructTag's conventions
// (key:"value" pairs separated by spaces); it stops at the first pair
// that does not follow them.
func tagPairs(tag string) []tagPair {
	var out []tagPair
	for tag != "" {
		tag = strings.TrimLeft(tag, " ")
		i := 0
		for i < len(tag) && tag[i] > ' ' && tag[i] != ':' && tag[i] != '"' && tag[i] != 0x7f {
			i++
		}
		if i == 0 || i+1 >= len(tag) || tag[i] != ':' || tag[i+1] != '"' {
			break
		}
		key := tag[:i]
		tag = tag[i+1:]
		i = 1
		for i < len(tag) && tag[i] != '"' {
			if tag[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(tag) {
			break
		}
		value, err := strconv.Unquote(tag[:i+1])
		if err != nil {
			break
		}
		out = append(out, tagPair{key, value})
		tag = tag[i+1:]
	}
	return out
}

// declaredTag is the tag of field f of an interpreted struct as its
// declaration wrote it: without the hiddenTag the session added to an
// unexported field.
func declaredTag(f reflect.StructField) reflect.StructTag {
	if !isHiddenName(f.Name) {
		return f.Tag
	}
	tag, ok := strings.CutPrefix(string(f.Tag), hiddenTag)
	if !ok {
		return f.Tag
	}
	return reflect.StructTag(strings.TrimPrefix(tag, " "))
}

// isHiddenName reports yaegi's name of an unexported field: X + a name
// that does not start with an upper-case letter.
func isHiddenName(name string) bool {
	if len(name) < 2 || name[0] != 'X' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(name[1:])
	return !unicode.IsUpper(r)
}
