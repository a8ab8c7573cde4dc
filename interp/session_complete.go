package interp

import (
	"reflect"
	"sync"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/interp/complete"
)

// Completion and inspection are package complete's, from definitions and
// symbol tables; the session adds its own definitions, and to an
// inspection the doc comments of its declarations and the values of its
// variables.

// Completion is a completion reply (complete.Completion).
type Completion = complete.Completion

// Complete is complete.Complete: completions for the code at cursor (a
// rune offset) of a session with the definitions defs, oldest first,
// from those definitions and the symbol tables alone.
func Complete(defs []Definition, code string, cursor int) Completion {
	return complete.Complete(defs, code, cursor)
}

// IsComplete is complete.IsComplete: whether code is ready to run,
// "complete", "incomplete" (with the indent of the next line) or
// "invalid".
func IsComplete(code string) (status, indent string) { return complete.IsComplete(code) }

// Inspect is complete.Inspect: what the definitions defs and the
// documentation table say of the name at cursor, without the live
// session (see Session.Inspect).
func Inspect(defs []Definition, code string, cursor, detail int) (display.Bundle, bool) {
	return complete.Inspect(defs, code, cursor, detail)
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

// IsComplete says whether code is ready to run: "complete", "incomplete"
// (with the indent of the next line) or "invalid".
func (s *Session) IsComplete(code string) (status, indent string) {
	return IsComplete(code)
}

// Inspect describes the name at cursor (a rune offset), as Shift-Tab
// shows it: a package member's declaration (with parameter names, a
// type's fields) and doc comment, with a type's constructors and
// methods; a field or method of an expression's type; a session
// declaration's doc comment and source, and a variable's value; a
// magic's usage. The documentation of packages comes from the table
// captured at build time (interp/docs), so it needs no Go sources. detail
// > 0 adds the doc comments of a type's methods and the full package
// comment.
func (s *Session) Inspect(code string, cursor, detail int) (display.Bundle, bool) {
	return complete.InspectLive(sessionLive{s}, s.Definitions(), code, cursor, detail)
}

// sessionLive is what the session adds to an inspection
// (complete.Live).
type sessionLive struct{ s *Session }

func (l sessionLive) Doc(name string) string            { return l.s.docs.get(name) }
func (l sessionLive) Globals() map[string]reflect.Value { return l.s.globals() }
func (l sessionLive) ValueText(v reflect.Value) string  { return plainText(v) }

// noteDocs remembers the doc comments of the declarations a cell made,
// for Inspect: definitions carry no comments (they are replayed).
func (s *Session) noteDocs(code string, res *Result) {
	if res == nil || len(res.Definitions) == 0 {
		return
	}
	found := complete.DeclDocs(code)
	s.docs.note(res.Definitions, found)
}

// docComments are the doc comments of a session's definitions, by name.
// A cell writes them when it ends; Inspect reads them, while a cell may
// run. The zero value is empty and ready to use.
type docComments struct {
	mu     sync.Mutex
	byName map[string]string
}

// get returns the doc comment of the definition name, or "".
func (d *docComments) get(name string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.byName[name]
}

// note records the doc comments, in found by name, of defs, just made:
// a definition without one in found forgets the comment of the one it
// replaced.
func (d *docComments) note(defs []Definition, found map[string]string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.byName == nil {
		d.byName = map[string]string{}
	}
	for _, def := range defs {
		if doc := found[def.Name]; doc != "" {
			d.byName[def.Name] = doc
		} else {
			delete(d.byName, def.Name)
		}
	}
}
