package interp

import (
	"reflect"
	"unsafe"
)

// yaegi keeps a value of an interpreted type that has methods, held in an
// interface, as an unexported struct valueInterface{node *node; value
// reflect.Value}; such values reach compiled code unconverted when they
// pass through []any. unwrapInterpreted returns the value inside, so that
// it prints as Go would print it. It depends on yaegi v0.16.1's layout and
// leaves any other value alone.
func unwrapInterpreted(v reflect.Value) reflect.Value {
	for i := 0; i < 8 && v.IsValid(); i++ {
		if v.Kind() == reflect.Interface {
			if v.IsNil() {
				return v
			}
			v = v.Elem()
		}
		t := v.Type()
		if t.Kind() != reflect.Struct || t.Name() != "valueInterface" || t.PkgPath() != "github.com/traefik/yaegi/interp" ||
			t.NumField() != 2 || t.Field(1).Type != reflect.TypeOf(reflect.Value{}) {
			return v
		}
		c := reflect.New(t).Elem()
		c.Set(v)
		f := c.Field(1)
		v = *(*reflect.Value)(unsafe.Pointer(f.UnsafeAddr()))
	}
	return v
}
