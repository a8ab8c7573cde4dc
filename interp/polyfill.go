package interp

import (
	"fmt"
	"math"
	"reflect"
)

// Polyfills for built-ins that yaegi v0.16.1 lacks. min and max are generic
// functions in the prelude (yaegi handles [T any] but not constraints with
// ~), comparing through less; clear works on maps and slices by reflection.

const polyfills = `
func _spinlabMin[T any](x T, y ...T) T {
	for _, v := range y {
		if _spinlabrt.Less(v, x) {
			x = v
		}
	}
	return x
}

func _spinlabMax[T any](x T, y ...T) T {
	for _, v := range y {
		if _spinlabrt.Less(x, v) {
			x = v
		}
	}
	return x
}
`

// less orders two values of the same ordered kind. A NaN is less than
// everything, so that min and max propagate it as Go's built-ins do.
func less(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Kind() != vb.Kind() {
		panic(fmt.Sprintf("min/max: mismatched types %T and %T", a, b))
	}
	switch va.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return va.Int() < vb.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return va.Uint() < vb.Uint()
	case reflect.Float32, reflect.Float64:
		x, y := va.Float(), vb.Float()
		if math.IsNaN(x) {
			return true
		}
		if math.IsNaN(y) {
			return false
		}
		return x < y
	case reflect.String:
		return va.String() < vb.String()
	}
	panic(fmt.Sprintf("min/max: %T is not an ordered type", a))
}

// clearValue is the clear built-in: it deletes a map's entries or zeroes a
// slice's elements.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	case reflect.Invalid:
	default:
		panic(fmt.Sprintf("invalid argument: clear(%T): argument must be a map or a slice", x))
	}
}
