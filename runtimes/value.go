package runtimes

// The value encoding of process mode: how a variable reaches a child and
// how a result comes back, in binary and with its Go type.
//
// An encoded value is a version byte (valueVersion), a type description
// and the value's data:
//
//	type  = kind byte, then by kind:
//	        bool … complex128, string, interface: nothing more
//	        slice, pointer: the element's type
//	        array: uvarint length, the element's type
//	        map: the key's type, the element's type
//	        struct: uvarint field count, then per field its name (string)
//	                and its type
//	        named: package path and name (strings), the underlying type
//	        binary: package path and name (strings); data is what the
//	                type's MarshalBinary returned
//	        json: nothing more; data is JSON (the fallback, see below)
//	        nil: no data (a nil interface)
//	data  = bool: 1 byte; signed integers: zig-zag varint; unsigned:
//	        uvarint; float32/64: 4/8 bytes little-endian IEEE 754;
//	        complex: two floats; string: uvarint length and the bytes;
//	        slice, map: uvarint 0 for nil, else length+1, then the
//	        elements ([]byte: the raw bytes); array: the elements;
//	        pointer: 0 for nil, else 1 and the element; struct: the
//	        fields in order; interface: a whole nested type and data;
//	        binary, json: uvarint length and the bytes
//
// Strings and []byte travel as their raw bytes: a 1 MiB []byte is 1 MiB
// and a few bytes on the wire.
//
// Types: the basic kinds and every slice, array, map, pointer and struct
// built from them keep their type exactly (an int stays an int,
// map[string]int a map[string]int). A named type of a compiled package
// (time.Duration, image.Point) travels by name with its structure; the
// reader rebuilds it when it can name the type (a TypeResolver: the
// session knows every package it can import) and else gets a value of
// the underlying type. A type whose fields are unexported but that has
// MarshalBinary (time.Time) travels through it. A struct type that the
// interpreter made (a type declared in a cell) has no name outside the
// interpreter: a result of that type comes back as a value of an unnamed
// struct type with the same fields (printed the same by %v; the
// interpreter names a field x that was not exported Xx). A variable of
// that type is rebuilt as the child's own declaration of the type. What
// this encoding cannot carry (unexported fields without MarshalBinary)
// travels as JSON, as before, and reads back JSON-typed (numbers as
// float64, structs as map[string]any); channels, funcs and cycles cannot
// travel at all.
//
// A reader never trusts a length: every count is checked against the
// bytes that are left before anything is allocated, so what a decode
// allocates is bounded by a small multiple of its input, and a decode of
// any input returns an error rather than panicking.

import (
	"encoding"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"unsafe"
)

const valueVersion = 1

// Type kinds of the encoding. The basic kinds have reflect's numbers.
const (
	vkNil       = 0
	vkSlice     = byte(reflect.Slice)
	vkArray     = byte(reflect.Array)
	vkMap       = byte(reflect.Map)
	vkPointer   = byte(reflect.Pointer)
	vkStruct    = byte(reflect.Struct)
	vkInterface = byte(reflect.Interface)
	vkString    = byte(reflect.String)
	vkNamed     = 100
	vkBinary    = 101
	vkJSON      = 102
)

// maxValueDepth bounds the nesting of types and values on both sides.
const maxValueDepth = 200

var errUnsupported = errors.New("unsupported")

// littleEndian reports that this machine stores a float64 as the encoding
// does, so that a []float64 can be copied as its memory.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// EncodeValue returns the binary encoding of v (see the top of
// runtimes/value.go), typed as v's dynamic type. A nil v encodes as a
// nil interface.
func EncodeValue(v any) ([]byte, error) { return appendValue(nil, v) }

// appendValue appends EncodeValue's encoding of v to buf.
func appendValue(buf []byte, v any) ([]byte, error) {
	buf = append(buf, valueVersion)
	if v == nil {
		return append(buf, vkNil), nil
	}
	out, err := appendTyped(buf, reflect.ValueOf(v))
	if errors.Is(err, errUnsupported) {
		// Unexported state without MarshalBinary: JSON, as before.
		j, jerr := json.Marshal(v)
		if jerr != nil {
			return nil, fmt.Errorf("a %T cannot be encoded: %w", v, jerr)
		}
		buf = append(buf, vkJSON)
		buf = binary.AppendUvarint(buf, uint64(len(j)))
		return append(buf, j...), nil
	}
	if err != nil {
		return nil, fmt.Errorf("a %T cannot be encoded: %w", v, err)
	}
	return out, nil
}

func appendTyped(buf []byte, v reflect.Value) ([]byte, error) {
	buf, err := appendType(buf, v.Type(), 0)
	if err != nil {
		return nil, err
	}
	return appendData(buf, v, 0)
}

var binaryMarshaler = reflect.TypeFor[encoding.BinaryMarshaler]()

// byName reports whether t travels by name through MarshalBinary.
func byName(t reflect.Type) bool {
	return t.PkgPath() != "" && t.Name() != "" && t.Kind() == reflect.Struct && hasUnexported(t) && t.Implements(binaryMarshaler)
}

func hasUnexported(t reflect.Type) bool {
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return true
		}
	}
	return false
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

func appendType(buf []byte, t reflect.Type, depth int) ([]byte, error) {
	if depth > maxValueDepth {
		return nil, fmt.Errorf("%s: types nested more than %d deep (a recursive type?): %w", t, maxValueDepth, errUnsupported)
	}
	if t.Kind() == reflect.Interface {
		return append(buf, vkInterface), nil
	}
	if byName(t) {
		buf = append(buf, vkBinary)
		buf = appendString(buf, t.PkgPath())
		return appendString(buf, t.Name()), nil
	}
	if t.PkgPath() != "" && t.Name() != "" {
		buf = append(buf, vkNamed)
		buf = appendString(buf, t.PkgPath())
		buf = appendString(buf, t.Name())
	}
	k := t.Kind()
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return append(buf, byte(k)), nil
	case reflect.Interface:
		return append(buf, vkInterface), nil
	case reflect.Slice, reflect.Pointer:
		return appendType(append(buf, byte(k)), t.Elem(), depth+1)
	case reflect.Array:
		buf = binary.AppendUvarint(append(buf, vkArray), uint64(t.Len()))
		return appendType(buf, t.Elem(), depth+1)
	case reflect.Map:
		buf, err := appendType(append(buf, vkMap), t.Key(), depth+1)
		if err != nil {
			return nil, err
		}
		return appendType(buf, t.Elem(), depth+1)
	case reflect.Struct:
		buf = binary.AppendUvarint(append(buf, vkStruct), uint64(t.NumField()))
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				return nil, fmt.Errorf("%s has unexported field %s: %w", t, f.Name, errUnsupported)
			}
			buf = appendString(buf, f.Name)
			var err error
			if buf, err = appendType(buf, f.Type, depth+1); err != nil {
				return nil, err
			}
		}
		return buf, nil
	}
	return nil, fmt.Errorf("%s is a %s, which cannot leave its process", t, k)
}

func appendData(buf []byte, v reflect.Value, depth int) ([]byte, error) {
	if depth > maxValueDepth {
		return nil, fmt.Errorf("values nested more than %d deep (a cycle?): %w", maxValueDepth, errUnsupported)
	}
	t := v.Type()
	if byName(t) {
		b, err := v.Interface().(encoding.BinaryMarshaler).MarshalBinary()
		if err != nil {
			return nil, err
		}
		buf = binary.AppendUvarint(buf, uint64(len(b)))
		return append(buf, b...), nil
	}
	switch t.Kind() {
	case reflect.Bool:
		if v.Bool() {
			return append(buf, 1), nil
		}
		return append(buf, 0), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return binary.AppendVarint(buf, v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return binary.AppendUvarint(buf, v.Uint()), nil
	case reflect.Float32:
		return binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(v.Float()))), nil
	case reflect.Float64:
		return binary.LittleEndian.AppendUint64(buf, math.Float64bits(v.Float())), nil
	case reflect.Complex64:
		c := v.Complex()
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(real(c))))
		return binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(imag(c)))), nil
	case reflect.Complex128:
		c := v.Complex()
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(real(c)))
		return binary.LittleEndian.AppendUint64(buf, math.Float64bits(imag(c))), nil
	case reflect.String:
		return appendString(buf, v.String()), nil
	case reflect.Interface:
		if v.IsNil() {
			return append(buf, vkNil), nil
		}
		e := v.Elem()
		buf, err := appendType(buf, e.Type(), depth+1)
		if err != nil {
			return nil, err
		}
		return appendData(buf, e, depth+1)
	case reflect.Pointer:
		if v.IsNil() {
			return append(buf, 0), nil
		}
		return appendData(append(buf, 1), v.Elem(), depth+1)
	case reflect.Slice:
		if v.IsNil() {
			return append(buf, 0), nil
		}
		n := v.Len()
		buf = binary.AppendUvarint(buf, uint64(n)+1)
		if fast, ok := appendFastSlice(buf, v); ok {
			return fast, nil
		}
		return appendElems(buf, v, n, depth)
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			// Raw bytes, as the decoder reads them: [32]byte of a hash,
			// addressable or not.
			if v.CanAddr() {
				return append(buf, v.Bytes()...), nil
			}
			for i := range v.Len() {
				buf = append(buf, byte(v.Index(i).Uint()))
			}
			return buf, nil
		}
		return appendElems(buf, v, v.Len(), depth)
	case reflect.Map:
		if v.IsNil() {
			return append(buf, 0), nil
		}
		buf = binary.AppendUvarint(buf, uint64(v.Len())+1)
		it := v.MapRange()
		var err error
		for it.Next() {
			if buf, err = appendData(buf, it.Key(), depth+1); err != nil {
				return nil, err
			}
			if buf, err = appendData(buf, it.Value(), depth+1); err != nil {
				return nil, err
			}
		}
		return buf, nil
	case reflect.Struct:
		var err error
		for i := range v.NumField() {
			if buf, err = appendData(buf, v.Field(i), depth+1); err != nil {
				return nil, err
			}
		}
		return buf, nil
	}
	return nil, fmt.Errorf("%s is a %s, which cannot leave its process", t, t.Kind())
}

func appendElems(buf []byte, v reflect.Value, n, depth int) ([]byte, error) {
	if dataFree(v.Type().Elem()) {
		// Elements that encode as nothing: make([]struct{}, 1<<40) is a
		// valid value, and visiting its elements would never end.
		return buf, nil
	}
	var err error
	for i := range n {
		if buf, err = appendData(buf, v.Index(i), depth+1); err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// dataFree reports whether every value of t encodes as no data bytes
// (struct{}, [0]T, [n]struct{}, and structs and arrays of those), as the
// decoder's zero minimum size says of the same types.
func dataFree(t reflect.Type) bool {
	if byName(t) {
		return false
	}
	switch t.Kind() {
	case reflect.Array:
		return t.Len() == 0 || dataFree(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !dataFree(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// appendFastSlice encodes the common slices of numbers without reflect
// per element; the length is written already.
func appendFastSlice(buf []byte, v reflect.Value) ([]byte, bool) {
	switch v.Type().Elem().Kind() {
	case reflect.Uint8:
		return append(buf, v.Bytes()...), true
	case reflect.Float64:
		if s, ok := v.Interface().([]float64); ok {
			if littleEndian && len(s) > 0 {
				// The encoding's byte order is the machine's: one copy.
				return append(buf, unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), 8*len(s))...), true
			}
			buf = growBy(buf, 8*len(s))
			for _, x := range s {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
			}
			return buf, true
		}
	case reflect.Int:
		if s, ok := v.Interface().([]int); ok {
			for _, x := range s {
				buf = binary.AppendVarint(buf, int64(x))
			}
			return buf, true
		}
	case reflect.Int64:
		if s, ok := v.Interface().([]int64); ok {
			for _, x := range s {
				buf = binary.AppendVarint(buf, x)
			}
			return buf, true
		}
	case reflect.String:
		if s, ok := v.Interface().([]string); ok {
			for _, x := range s {
				buf = appendString(buf, x)
			}
			return buf, true
		}
	}
	return buf, false
}

func growBy(buf []byte, n int) []byte {
	if cap(buf)-len(buf) < n {
		nb := make([]byte, len(buf), len(buf)+n)
		copy(nb, buf)
		return nb
	}
	return buf
}
