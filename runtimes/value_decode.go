package runtimes

// Decoding the value encoding of value.go, of input that may be hostile.

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
// still fit in the data. Items of no bytes (zero-size elements) may be
// as many as an int holds: make([]struct{}, 1<<40) costs no memory.
func (d *valueDecoder) count(min int) (int, error) {
	n, err := d.uvarint()
	if err != nil {
		return 0, err
	}
	if n > uint64(len(d.data)) && (min > 0 || n > math.MaxInt) || min > 0 && n > uint64(len(d.data))/uint64(min) {
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
		if t.elem.min > 0 && uint64(n) > uint64(len(d.data))/uint64(t.elem.min) {
			return fmt.Errorf("the encoded value claims %d elements in %d bytes", n, len(d.data))
		}
		// Zero-size elements need no data, but the slice decoded into may
		// hold bigger ones ([]any): its memory is bounded as an array's.
		if size := uint64(dst.Type().Elem().Size()); size > 0 && uint64(n) > (64*uint64(len(d.data))+(1<<20))/size {
			return fmt.Errorf("the encoded value claims %d elements of %d bytes in %d bytes", n, size, len(d.data))
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
		if uint64(n) > uint64(len(d.data))/uint64(max(1, t.key.min+t.elem.min)) {
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
