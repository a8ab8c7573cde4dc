package interp

import "reflect"

// Globals returns the session's global variables and constants, as the
// interpreter holds them. It implements Scope.
func (s *Session) Globals() map[string]reflect.Value { return s.globals() }

// TypeName returns the name of an interpreted struct type of the session,
// or "". It implements Scope.
func (s *Session) TypeName(t reflect.Type) string {
	if reg := s.types(); reg != nil {
		if nt := reg.lookupRT(t); nt != nil {
			return nt.name
		}
	}
	return ""
}
