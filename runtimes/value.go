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
	"go/token"
	"math"
	"reflect"
	"time"
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

// TypeResolver names the compiled types a reader can rebuild: it returns
// the type called name in the package with the given import path, or nil.
type TypeResolver func(pkgPath, name string) reflect.Type

// TypeLookup is implemented by a Host that can name compiled types (the
// session's symbol tables): process-mode results of those types come
// back as themselves. Without it, only the types of package time are
// known by name.
type TypeLookup interface {
	LookupType(pkgPath, name string) reflect.Type
}

var knownTypes = map[[2]string]reflect.Type{
	{"time", "Duration"}: reflect.TypeFor[time.Duration](),
	{"time", "Time"}:     reflect.TypeFor[time.Time](),
	{"time", "Month"}:    reflect.TypeFor[time.Month](),
	{"time", "Weekday"}:  reflect.TypeFor[time.Weekday](),
}

// resolverOf returns the resolver of h, falling back on knownTypes.
func resolverOf(h Host) TypeResolver {
	l, _ := h.(TypeLookup)
	return func(pkgPath, name string) reflect.Type {
		if l != nil {
			if t := l.LookupType(pkgPath, name); t != nil {
				return t
			}
		}
		return knownTypes[[2]string{pkgPath, name}]
	}
}

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
		if t.Elem().Kind() == reflect.Uint8 && v.CanAddr() {
			return append(buf, v.Bytes()...), nil
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
	var err error
	for i := range n {
		if buf, err = appendData(buf, v.Index(i), depth+1); err != nil {
			return nil, err
		}
	}
	return buf, nil
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

// vtype is a decoded type description: the Go type to build (rt) and the
// shape its data has.
type vtype struct {
	kind   byte // reflect.Kind, or vkBinary, vkJSON, vkNil
	rt     reflect.Type
	elem   *vtype // slice, array, pointer, map value
	key    *vtype // map
	length int    // array
	fields []*vtype
	names  []string
	min    int // the fewest data bytes a value of this type takes
}

// valueDecoder reads one encoded value. Every count it reads is checked
// against what is left of data before it allocates.
type valueDecoder struct {
	data    []byte
	resolve TypeResolver
	into    bool // decoding into a given type, which names what it needs
}

var errShort = errors.New("the encoded value is cut short")

func (d *valueDecoder) byte() (byte, error) {
	if len(d.data) == 0 {
		return 0, errShort
	}
	b := d.data[0]
	d.data = d.data[1:]
	return b, nil
}

func (d *valueDecoder) uvarint() (uint64, error) {
	x, n := binary.Uvarint(d.data)
	if n <= 0 {
		return 0, errors.New("bad length or number in the encoded value")
	}
	d.data = d.data[n:]
	return x, nil
}

func (d *valueDecoder) varint() (int64, error) {
	x, n := binary.Varint(d.data)
	if n <= 0 {
		return 0, errors.New("bad number in the encoded value")
	}
	d.data = d.data[n:]
	return x, nil
}

// count reads a length of items of at least min bytes each that must
// still fit in the data.
func (d *valueDecoder) count(min int) (int, error) {
	n, err := d.uvarint()
	if err != nil {
		return 0, err
	}
	if n > uint64(len(d.data)) && (min > 0 || n > math.MaxInt32) || min > 0 && n*uint64(min) > uint64(len(d.data)) {
		return 0, fmt.Errorf("the encoded value claims %d items in %d bytes", n, len(d.data))
	}
	return int(n), nil
}

func (d *valueDecoder) bytes() ([]byte, error) {
	n, err := d.count(1)
	if err != nil {
		return nil, err
	}
	b := d.data[:n:n]
	d.data = d.data[n:]
	return b, nil
}

func (d *valueDecoder) name() (string, error) {
	b, err := d.bytes()
	return string(b), err
}

var basicTypes = map[byte]reflect.Type{
	byte(reflect.Bool): reflect.TypeFor[bool](),
	byte(reflect.Int):  reflect.TypeFor[int](), byte(reflect.Int8): reflect.TypeFor[int8](),
	byte(reflect.Int16): reflect.TypeFor[int16](), byte(reflect.Int32): reflect.TypeFor[int32](),
	byte(reflect.Int64): reflect.TypeFor[int64](), byte(reflect.Uint): reflect.TypeFor[uint](),
	byte(reflect.Uint8): reflect.TypeFor[uint8](), byte(reflect.Uint16): reflect.TypeFor[uint16](),
	byte(reflect.Uint32): reflect.TypeFor[uint32](), byte(reflect.Uint64): reflect.TypeFor[uint64](),
	byte(reflect.Float32): reflect.TypeFor[float32](), byte(reflect.Float64): reflect.TypeFor[float64](),
	byte(reflect.Complex64): reflect.TypeFor[complex64](), byte(reflect.Complex128): reflect.TypeFor[complex128](),
	vkString: reflect.TypeFor[string](), vkInterface: reflect.TypeFor[any](),
}

var minData = map[byte]int{
	byte(reflect.Float32): 4, byte(reflect.Float64): 8, byte(reflect.Complex64): 8, byte(reflect.Complex128): 16,
}

// readType reads a type description and builds its Go type.
func (d *valueDecoder) readType(depth int) (*vtype, error) {
	if depth > maxValueDepth {
		return nil, fmt.Errorf("types nested more than %d deep", maxValueDepth)
	}
	k, err := d.byte()
	if err != nil {
		return nil, err
	}
	if rt, ok := basicTypes[k]; ok {
		m, ok := minData[k]
		if !ok {
			m = 1
		}
		return &vtype{kind: k, rt: rt, min: m}, nil
	}
	switch k {
	case vkNil:
		return &vtype{kind: vkNil}, nil
	case vkJSON:
		if depth > 0 {
			return nil, errors.New("JSON inside the encoded value")
		}
		return &vtype{kind: vkJSON, rt: basicTypes[vkInterface], min: 1}, nil
	case vkSlice, vkPointer:
		e, err := d.readType(depth + 1)
		if err != nil {
			return nil, err
		}
		if e.rt == nil {
			return nil, errors.New("bad element type in the encoded value")
		}
		if k == vkSlice {
			return &vtype{kind: k, rt: reflect.SliceOf(e.rt), elem: e, min: 1}, nil
		}
		return &vtype{kind: k, rt: reflect.PointerTo(e.rt), elem: e, min: 1}, nil
	case vkArray:
		n, err := d.uvarint()
		if err != nil {
			return nil, err
		}
		e, err := d.readType(depth + 1)
		if err != nil {
			return nil, err
		}
		if e.rt == nil {
			return nil, errors.New("bad element type in the encoded value")
		}
		// The array's data must fit in what is left, and so must its
		// memory (a multiple of it); zero-size elements are capped.
		size := uint64(e.rt.Size())
		if n > math.MaxInt32 || e.min > 0 && n*uint64(e.min) > uint64(len(d.data)) || size > 0 && n > (64*uint64(len(d.data))+(1<<20))/size {
			return nil, fmt.Errorf("the encoded value declares an array of %d elements in %d bytes", n, len(d.data))
		}
		return &vtype{kind: k, rt: reflect.ArrayOf(int(n), e.rt), elem: e, length: int(n), min: int(n) * e.min}, nil
	case vkMap:
		key, err := d.readType(depth + 1)
		if err != nil {
			return nil, err
		}
		e, err := d.readType(depth + 1)
		if err != nil {
			return nil, err
		}
		if key.rt == nil || e.rt == nil || !key.rt.Comparable() {
			return nil, errors.New("bad map type in the encoded value")
		}
		return &vtype{kind: k, rt: reflect.MapOf(key.rt, e.rt), key: key, elem: e, min: 1}, nil
	case vkStruct:
		n, err := d.count(2) // a field takes a name and a type
		if err != nil {
			return nil, err
		}
		t := &vtype{kind: k}
		fields := make([]reflect.StructField, 0, n)
		seen := map[string]bool{}
		for range n {
			name, err := d.name()
			if err != nil {
				return nil, err
			}
			if !token.IsIdentifier(name) || !token.IsExported(name) || seen[name] {
				return nil, fmt.Errorf("bad field name %q in the encoded value", name)
			}
			seen[name] = true
			ft, err := d.readType(depth + 1)
			if err != nil {
				return nil, err
			}
			if ft.rt == nil {
				return nil, errors.New("bad field type in the encoded value")
			}
			t.fields = append(t.fields, ft)
			t.names = append(t.names, name)
			t.min += ft.min
			fields = append(fields, reflect.StructField{Name: name, Type: ft.rt})
		}
		var size uint64
		for _, f := range fields {
			size += uint64(f.Type.Size())
		}
		if size > 64*uint64(len(d.data))+(1<<20) {
			return nil, fmt.Errorf("the encoded value declares a struct of %d bytes in %d bytes", size, len(d.data))
		}
		t.rt = reflect.StructOf(fields)
		return t, nil
	case vkNamed:
		path, err := d.name()
		if err != nil {
			return nil, err
		}
		name, err := d.name()
		if err != nil {
			return nil, err
		}
		u, err := d.readType(depth + 1)
		if err != nil {
			return nil, err
		}
		if u.rt == nil || u.kind == vkJSON || u.kind == vkBinary || u.kind == vkInterface {
			return nil, errors.New("bad named type in the encoded value")
		}
		if d.resolve != nil {
			if rt := d.resolve(path, name); rt != nil && sameShape(u.rt, rt) {
				named := *u
				named.rt = rt
				return &named, nil
			}
		}
		return u, nil
	case vkBinary:
		path, err := d.name()
		if err != nil {
			return nil, err
		}
		name, err := d.name()
		if err != nil {
			return nil, err
		}
		t := &vtype{kind: vkBinary, min: 1, names: []string{path, name}}
		if d.resolve != nil {
			t.rt = d.resolve(path, name)
		}
		if t.rt == nil && !d.into {
			return nil, fmt.Errorf("a %s.%s cannot be rebuilt here: this process does not know the type", path, name)
		}
		if t.rt != nil && !reflect.PointerTo(t.rt).Implements(binaryUnmarshaler) {
			return nil, fmt.Errorf("a %s.%s cannot be rebuilt here: it has no UnmarshalBinary", path, name)
		}
		return t, nil
	}
	return nil, fmt.Errorf("unknown type kind %d in the encoded value", k)
}

var binaryUnmarshaler = reflect.TypeFor[encoding.BinaryUnmarshaler]()

// sameShape reports whether a value of the underlying type u, as the
// encoding rebuilt it, can become a value of the named type t.
func sameShape(u, t reflect.Type) bool {
	return u.Kind() == t.Kind() && u.ConvertibleTo(t) && (u.Kind() != reflect.Struct || u.NumField() == t.NumField())
}

// DecodeValue decodes what EncodeValue encoded, as a value of the type it
// was encoded with (see runtimes/value.go for what resolve adds). Hostile
// input gets an error, never a panic or an allocation out of proportion
// to its size. A []byte in the value shares data's memory rather than
// copying it (a payload is read once, not twice): the caller must not
// modify data afterwards.
func DecodeValue(data []byte, resolve TypeResolver) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("bad encoded value: %v", r)
		}
	}()
	d := &valueDecoder{data: data, resolve: resolve}
	if err := d.version(); err != nil {
		return nil, err
	}
	rv, err := d.readValue(0)
	if err != nil {
		return nil, err
	}
	if len(d.data) != 0 {
		return nil, fmt.Errorf("%d bytes after the encoded value", len(d.data))
	}
	if !rv.IsValid() {
		return nil, nil
	}
	return rv.Interface(), nil
}

// DecodeValueInto decodes what EncodeValue encoded into *ptr, whose type
// must have the shape of the encoded one (a child's own declaration of
// the variable's type): an interpreted struct type is matched field by
// field. As with DecodeValue, a []byte in the value shares data's memory.
func DecodeValueInto(data []byte, ptr any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bad encoded value: %v", r)
		}
	}()
	p := reflect.ValueOf(ptr)
	if p.Kind() != reflect.Pointer || p.IsNil() {
		return fmt.Errorf("decode into %T: not a pointer", ptr)
	}
	dst := p.Elem()
	d := &valueDecoder{data: data, into: true, resolve: func(pkgPath, name string) reflect.Type {
		if t := dst.Type(); t.PkgPath() == pkgPath && t.Name() == name {
			return t
		}
		return knownTypes[[2]string{pkgPath, name}]
	}}
	if err := d.version(); err != nil {
		return err
	}
	t, err := d.readType(0)
	if err != nil {
		return err
	}
	switch t.kind {
	case vkNil:
		dst.SetZero()
	case vkJSON:
		b, err := d.bytes()
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, ptr); err != nil {
			return err
		}
	default:
		if err := matches(t, dst.Type(), 0); err != nil {
			return fmt.Errorf("a %s cannot be decoded into a %s: %w", t.rt, dst.Type(), err)
		}
		if err := d.readData(t, dst, 0); err != nil {
			return err
		}
	}
	if len(d.data) != 0 {
		return fmt.Errorf("%d bytes after the encoded value", len(d.data))
	}
	return nil
}

// matches checks that values of the encoded type t can be decoded into a
// value of type rt.
func matches(t *vtype, rt reflect.Type, depth int) error {
	if depth > maxValueDepth {
		return errors.New("types nested too deep")
	}
	if t.kind == vkBinary {
		if t.rt == nil && rt.PkgPath() == t.names[0] && rt.Name() == t.names[1] && reflect.PointerTo(rt).Implements(binaryUnmarshaler) {
			t.rt = rt
		}
		if t.rt != rt {
			return fmt.Errorf("%s.%s is not %s", t.names[0], t.names[1], rt)
		}
		return nil
	}
	if rt.Kind() == reflect.Interface {
		return nil // checked per value: the decoded value must implement it
	}
	if reflect.Kind(t.kind) != rt.Kind() {
		return fmt.Errorf("%s is not %s", t.rt, rt)
	}
	switch rt.Kind() {
	case reflect.Slice, reflect.Pointer:
		return matches(t.elem, rt.Elem(), depth+1)
	case reflect.Array:
		if t.length != rt.Len() {
			return fmt.Errorf("%s is not %s", t.rt, rt)
		}
		return matches(t.elem, rt.Elem(), depth+1)
	case reflect.Map:
		if err := matches(t.key, rt.Key(), depth+1); err != nil {
			return err
		}
		return matches(t.elem, rt.Elem(), depth+1)
	case reflect.Struct:
		if len(t.fields) != rt.NumField() {
			return fmt.Errorf("%s is not %s", t.rt, rt)
		}
		for i, f := range t.fields {
			if rt.Field(i).Name != t.names[i] || !rt.Field(i).IsExported() {
				return fmt.Errorf("field %s is not %s", t.names[i], rt.Field(i).Name)
			}
			if err := matches(f, rt.Field(i).Type, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *valueDecoder) version() error {
	b, err := d.byte()
	if err != nil {
		return err
	}
	if b != valueVersion {
		return fmt.Errorf("encoded value of version %d, want %d", b, valueVersion)
	}
	return nil
}

// readValue reads a type description and a value of it.
func (d *valueDecoder) readValue(depth int) (reflect.Value, error) {
	t, err := d.readType(depth)
	if err != nil {
		return reflect.Value{}, err
	}
	switch t.kind {
	case vkNil:
		return reflect.Value{}, nil
	case vkJSON:
		b, err := d.bytes()
		if err != nil {
			return reflect.Value{}, err
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return reflect.Value{}, err
		}
		if v == nil {
			return reflect.Value{}, nil
		}
		return reflect.ValueOf(v), nil
	}
	if t.rt == nil {
		return reflect.Value{}, fmt.Errorf("a %s.%s cannot be rebuilt here: this process does not know the type", t.names[0], t.names[1])
	}
	v := reflect.New(t.rt).Elem()
	if err := d.readData(t, v, depth); err != nil {
		return reflect.Value{}, err
	}
	return v, nil
}

// readData reads the data of a value of type t into dst, a settable value
// whose type matches t.
func (d *valueDecoder) readData(t *vtype, dst reflect.Value, depth int) error {
	if depth > maxValueDepth {
		return fmt.Errorf("values nested more than %d deep", maxValueDepth)
	}
	switch t.kind {
	case vkBinary:
		b, err := d.bytes()
		if err != nil {
			return err
		}
		p := reflect.New(dst.Type())
		if err := p.Interface().(encoding.BinaryUnmarshaler).UnmarshalBinary(b); err != nil {
			return err
		}
		dst.Set(p.Elem())
		return nil
	case vkInterface:
		v, err := d.readValue(depth + 1)
		if err != nil {
			return err
		}
		if !v.IsValid() {
			dst.SetZero()
			return nil
		}
		if !v.Type().AssignableTo(dst.Type()) {
			return fmt.Errorf("a %s does not fit in a %s", v.Type(), dst.Type())
		}
		dst.Set(v)
		return nil
	}
	if dst.Kind() == reflect.Interface {
		if t.rt == nil || t.rt.Kind() == reflect.Interface {
			return fmt.Errorf("cannot decode a %s into a %s", t.rt, dst.Type())
		}
		// Into a variable of interface type: the concrete value first.
		v := reflect.New(t.rt).Elem()
		if err := d.readData(t, v, depth); err != nil {
			return err
		}
		if !v.Type().AssignableTo(dst.Type()) {
			return fmt.Errorf("a %s does not fit in a %s", v.Type(), dst.Type())
		}
		dst.Set(v)
		return nil
	}
	switch reflect.Kind(t.kind) {
	case reflect.Bool:
		b, err := d.byte()
		if err != nil {
			return err
		}
		if b > 1 {
			return errors.New("bad bool in the encoded value")
		}
		dst.SetBool(b == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x, err := d.varint()
		if err != nil {
			return err
		}
		if dst.OverflowInt(x) {
			return fmt.Errorf("%d overflows a %s", x, dst.Type())
		}
		dst.SetInt(x)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		x, err := d.uvarint()
		if err != nil {
			return err
		}
		if dst.OverflowUint(x) {
			return fmt.Errorf("%d overflows a %s", x, dst.Type())
		}
		dst.SetUint(x)
	case reflect.Float32:
		if len(d.data) < 4 {
			return errShort
		}
		dst.SetFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(d.data))))
		d.data = d.data[4:]
	case reflect.Float64:
		if len(d.data) < 8 {
			return errShort
		}
		dst.SetFloat(math.Float64frombits(binary.LittleEndian.Uint64(d.data)))
		d.data = d.data[8:]
	case reflect.Complex64:
		if len(d.data) < 8 {
			return errShort
		}
		re := math.Float32frombits(binary.LittleEndian.Uint32(d.data))
		im := math.Float32frombits(binary.LittleEndian.Uint32(d.data[4:]))
		dst.SetComplex(complex(float64(re), float64(im)))
		d.data = d.data[8:]
	case reflect.Complex128:
		if len(d.data) < 16 {
			return errShort
		}
		re := math.Float64frombits(binary.LittleEndian.Uint64(d.data))
		im := math.Float64frombits(binary.LittleEndian.Uint64(d.data[8:]))
		dst.SetComplex(complex(re, im))
		d.data = d.data[16:]
	case reflect.String:
		b, err := d.bytes()
		if err != nil {
			return err
		}
		dst.SetString(string(b))
	case reflect.Pointer:
		b, err := d.byte()
		if err != nil {
			return err
		}
		switch b {
		case 0:
			dst.SetZero()
		case 1:
			p := reflect.New(dst.Type().Elem())
			if err := d.readData(t.elem, p.Elem(), depth+1); err != nil {
				return err
			}
			dst.Set(p)
		default:
			return errors.New("bad pointer in the encoded value")
		}
	case reflect.Slice:
		n, err := d.count(0)
		if err != nil {
			return err
		}
		if n == 0 {
			dst.SetZero()
			return nil
		}
		n--
		if t.elem.min > 0 && uint64(n)*uint64(t.elem.min) > uint64(len(d.data)) {
			return fmt.Errorf("the encoded value claims %d elements in %d bytes", n, len(d.data))
		}
		if dst.Type().Elem().Kind() == reflect.Uint8 {
			// Shared with the input, not copied (see DecodeValue).
			dst.Set(reflect.ValueOf(d.data[:n:n]).Convert(dst.Type()))
			d.data = d.data[n:]
			return nil
		}
		s := reflect.MakeSlice(dst.Type(), n, n)
		if !d.readFastSlice(s) {
			if err := d.readElems(t.elem, s, n, depth); err != nil {
				return err
			}
		}
		dst.Set(s)
	case reflect.Array:
		if dst.Type().Elem().Kind() == reflect.Uint8 {
			n := dst.Len()
			if len(d.data) < n {
				return errShort
			}
			reflect.Copy(dst, reflect.ValueOf(d.data[:n]))
			d.data = d.data[n:]
			return nil
		}
		return d.readElems(t.elem, dst, dst.Len(), depth)
	case reflect.Map:
		n, err := d.count(0)
		if err != nil {
			return err
		}
		if n == 0 {
			dst.SetZero()
			return nil
		}
		n--
		if uint64(n)*uint64(max(1, t.key.min+t.elem.min)) > uint64(len(d.data)) {
			return fmt.Errorf("the encoded value claims %d map entries in %d bytes", n, len(d.data))
		}
		m := reflect.MakeMapWithSize(dst.Type(), n)
		kt, et := dst.Type().Key(), dst.Type().Elem()
		for range n {
			k := reflect.New(kt).Elem()
			if err := d.readData(t.key, k, depth+1); err != nil {
				return err
			}
			e := reflect.New(et).Elem()
			if err := d.readData(t.elem, e, depth+1); err != nil {
				return err
			}
			if k.Kind() == reflect.Interface && k.Elem().IsValid() && !k.Elem().Type().Comparable() {
				return fmt.Errorf("a map key of type %s in the encoded value", k.Elem().Type())
			}
			m.SetMapIndex(k, e)
		}
		dst.Set(m)
	case reflect.Struct:
		for i, f := range t.fields {
			if err := d.readData(f, dst.Field(i), depth+1); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("cannot decode a %s", t.rt)
	}
	return nil
}

func (d *valueDecoder) readElems(t *vtype, s reflect.Value, n, depth int) error {
	if t.min == 0 {
		return nil // elements without data (zero-size): their zero values are the value
	}
	for i := range n {
		if err := d.readData(t, s.Index(i), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// readFastSlice fills the common slices of numbers without reflect per
// element; s has its length already, checked against the data.
func (d *valueDecoder) readFastSlice(s reflect.Value) bool {
	switch x := s.Interface().(type) {
	case []float64:
		if littleEndian && len(x) > 0 {
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 8*len(x)), d.data)
			d.data = d.data[8*len(x):]
			return true
		}
		for i := range x {
			x[i] = math.Float64frombits(binary.LittleEndian.Uint64(d.data[8*i:]))
		}
		d.data = d.data[8*len(x):]
		return true
	}
	return false
}
