package symbols

import (
	"reflect"
	"sort"
)

// Interfaces returns the import paths of the packages whose interfaces
// (with methods) the API of the package with the given key reaches: its
// functions' parameters and results, its variables, and its types'
// fields and methods, followed through every type they name. An
// interpreter hands an interpreted value to compiled code as such an
// interface by way of the wrapper type in that package's table, so one
// that loads tables one at a time loads these with the package.
//
// The lists are generated (interfaces_gen.go, from interfacesOf over every
// table): walking the types when a process loads a table costs more than
// loading it.
func Interfaces(key string) []string { return interfaces[key] }

// interfacesOf walks the types of table and returns the import paths of
// the interfaces with methods it reaches, sorted.
func interfacesOf(table map[string]reflect.Value) []string {
	w := typeWalk{seen: map[reflect.Type]bool{}, paths: map[string]bool{}}
	for _, v := range table {
		t := v.Type()
		if v.Kind() == reflect.Pointer && v.IsNil() {
			t = t.Elem() // a type is a typed nil pointer
		}
		w.walk(t)
	}
	out := make([]string, 0, len(w.paths))
	for p := range w.paths {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// typeWalk visits types and collects the packages of the interfaces among
// them.
type typeWalk struct {
	seen  map[reflect.Type]bool
	paths map[string]bool
}

func (w *typeWalk) walk(t reflect.Type) {
	if w.seen[t] {
		return
	}
	w.seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() > 0 && t.PkgPath() != "" {
			w.paths[t.PkgPath()] = true
		}
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		w.walk(t.Elem())
	case reflect.Map:
		w.walk(t.Key())
		w.walk(t.Elem())
	case reflect.Func:
		for i := range t.NumIn() {
			w.walk(t.In(i))
		}
		for i := range t.NumOut() {
			w.walk(t.Out(i))
		}
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				w.walk(f.Type)
			}
		}
	}
	if t.Name() == "" {
		return
	}
	for i := range t.NumMethod() {
		w.walk(t.Method(i).Type)
	}
	if t.Kind() != reflect.Interface && t.Kind() != reflect.Pointer {
		pt := reflect.PointerTo(t)
		for i := range pt.NumMethod() {
			w.walk(pt.Method(i).Type)
		}
	}
}
