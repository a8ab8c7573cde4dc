package runtimes_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// resolveImage names image.Point and image.Rectangle, as a session's
// symbol tables would.
func resolveImage(pkgPath, name string) reflect.Type {
	if pkgPath == "image" {
		switch name {
		case "Point":
			return reflect.TypeFor[image.Point]()
		case "Rectangle":
			return reflect.TypeFor[image.Rectangle]()
		}
	}
	if pkgPath == "time" && name == "Duration" {
		return reflect.TypeFor[time.Duration]()
	}
	if pkgPath == "time" && name == "Time" {
		return reflect.TypeFor[time.Time]()
	}
	return nil
}

// TestValueKeepsItsType: a value comes back with the Go type it left
// with, per kind. JSON gave float64 for every number and maps for structs.
func TestValueKeepsItsType(t *testing.T) {
	type pair struct {
		A int
		B []string
	}
	when := time.Date(2026, 12, 3, 13, 0, 0, 5, time.UTC)
	for _, v := range []any{
		7000000, int8(-3), int16(300), int32(-70000), int64(1) << 60, uint(7), uint8(255), uint16(9), uint32(1 << 31), uint64(1) << 63,
		float32(1.5), 1.0 / 3, complex(1, 2), complex64(complex(3, 4)), true, "héllo", "",
		[]byte("raw bytes \x00\xff"), []byte{}, []int{1, -2, 3}, []int64{5}, []float64{0.1, 2, 3e300},
		[]float32{1.25}, []string{"a", ""}, []bool{true, false}, [3]int{1, 2, 3}, [4]byte{1, 2, 3, 4}, [3]byte{0, 128, 255}, [2][2]uint8{{200, 1}, {7, 255}},
		map[string]int{"a": 1, "b": 2}, map[int][]float64{1: {2}}, map[string]any{"x": 1, "y": "z", "n": nil},
		[]any{1, "two", 3.0, []byte("4"), nil}, &pair{A: 1, B: []string{"x"}}, pair{A: 2},
		time.Duration(1500) * time.Millisecond, []time.Duration{time.Second}, when,
		image.Point{X: 1, Y: 2}, image.Rect(0, 0, 3, 4), map[string]time.Duration{"a": time.Minute},
		[]int(nil), map[string]int(nil), (*int)(nil), struct{}{}, struct{ Sum [4]byte }{[4]byte{222, 173, 190, 239}},
	} {
		b, err := runtimes.EncodeValue(v)
		if err != nil {
			t.Errorf("encode %T: %v", v, err)
			continue
		}
		got, err := runtimes.DecodeValue(b, resolveImage)
		if err != nil {
			t.Errorf("decode %T: %v", v, err)
			continue
		}
		if reflect.TypeOf(got) != reflect.TypeOf(v) && !(reflect.TypeOf(v).Name() == "pair" || reflect.TypeOf(v).Kind() == reflect.Pointer && reflect.TypeOf(v).Elem().Name() == "pair") {
			t.Errorf("%T came back as %T", v, got)
			continue
		}
		if tm, ok := v.(time.Time); ok {
			if !tm.Equal(got.(time.Time)) {
				t.Errorf("time %v came back as %v", tm, got)
			}
			continue
		}
		if reflect.TypeOf(got) == reflect.TypeOf(v) && !reflect.DeepEqual(got, v) {
			t.Errorf("%T %v came back as %v", v, v, got)
		}
	}
}

// TestValueOfInterpretedStruct: a struct type no one else can name (the
// test's own here, as an interpreted type is) comes back as an unnamed
// struct with the same fields, printed alike.
func TestValueOfInterpretedStruct(t *testing.T) {
	type point struct{ X, Y int }
	b, err := runtimes.EncodeValue(point{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	got, err := runtimes.DecodeValue(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rt := reflect.TypeOf(got); rt.Kind() != reflect.Struct || rt.Name() != "" || rt.NumField() != 2 {
		t.Fatalf("got a %T", got)
	}
	if s := fmtV(got); s != "{1 2}" {
		t.Errorf("%%v = %s, want {1 2}", s)
	}
	// into a declaration of the same shape, as a child declares its copy
	var p point
	if err := runtimes.DecodeValueInto(b, &p); err != nil || p != (point{1, 2}) {
		t.Errorf("DecodeValueInto: %v, %v", p, err)
	}
	var wrong struct{ X, Z int }
	if err := runtimes.DecodeValueInto(b, &wrong); err == nil {
		t.Error("a struct with other fields accepted the value")
	}
}

// TestValueFallsBackToJSON: a value with unexported state and no
// MarshalBinary travels as JSON, as it did before, and says so by its type.
func TestValueFallsBackToJSON(t *testing.T) {
	type hidden struct {
		Shown  int
		hidden int
	}
	b, err := runtimes.EncodeValue(hidden{Shown: 3, hidden: 4})
	if err != nil {
		t.Fatal(err)
	}
	got, err := runtimes.DecodeValue(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := got.(map[string]any); !ok || m["Shown"] != 3.0 {
		t.Errorf("got %#v", got)
	}
	if _, err := runtimes.EncodeValue(make(chan int)); err == nil {
		t.Error("a channel was encoded")
	}
}

// TestBytesTravelRaw: a 1 MiB []byte (and string) is about 1 MiB encoded;
// JSON made it 1.4 MB of base64.
func TestBytesTravelRaw(t *testing.T) {
	payload := bytes.Repeat([]byte{0xff, 'x', 0}, 1<<20/3+1)[:1<<20]
	for _, v := range []any{payload, string(payload)} {
		b, err := runtimes.EncodeValue(v)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > len(payload)+16 {
			t.Errorf("%T of %d bytes encodes as %d bytes", v, len(payload), len(b))
		}
	}
}

func TestDecodeValueIntoVariable(t *testing.T) {
	b, _ := runtimes.EncodeValue(map[string][]float64{"a": {1, 2}})
	var m map[string][]float64
	if err := runtimes.DecodeValueInto(b, &m); err != nil || len(m["a"]) != 2 {
		t.Errorf("map: %v, %v", m, err)
	}
	var wrong map[string]int
	if err := runtimes.DecodeValueInto(b, &wrong); err == nil {
		t.Error("a map[string][]float64 decoded into a map[string]int")
	}
	b, _ = runtimes.EncodeValue([]time.Time{time.Unix(5, 0)})
	var ts []time.Time
	if err := runtimes.DecodeValueInto(b, &ts); err != nil || len(ts) != 1 || ts[0].Unix() != 5 {
		t.Errorf("[]time.Time: %v, %v", ts, err)
	}
	b, _ = runtimes.EncodeValue(300)
	var small int8
	if err := runtimes.DecodeValueInto(b, &small); err == nil {
		t.Error("300 fit in an int8")
	}
	var x any
	if err := runtimes.DecodeValueInto(b, &x); err != nil || x != 300 {
		t.Errorf("into any: %v, %v", x, err)
	}
}

// TestDecodeValueRejectsHostileInput: lengths that lie, types that cannot
// exist, giant arrays, deep nesting: an error each, no panic, and no
// allocation of what the input claims.
func TestDecodeValueRejectsHostileInput(t *testing.T) {
	uv := func(b []byte, x uint64) []byte { return binary.AppendUvarint(b, x) }
	slice, mapk, array, ptr, str, iface := byte(reflect.Slice), byte(reflect.Map), byte(reflect.Array), byte(reflect.Pointer), byte(reflect.String), byte(reflect.Interface)
	byteK, f64 := byte(reflect.Uint8), byte(reflect.Float64)
	deep := []byte{1}
	for range 10000 {
		deep = append(deep, slice)
	}
	deep = append(deep, byteK)
	nestedAny := []byte{1}
	for range 100000 {
		nestedAny = append(nestedAny, iface)
	}
	for name, in := range map[string][]byte{
		"empty":             {},
		"wrong version":     {9, byte(reflect.Int), 2},
		"bytes that lie":    uv([]byte{1, slice, byteK}, 1<<40),
		"floats that lie":   uv([]byte{1, slice, f64}, 1<<28),
		"string that lies":  uv([]byte{1, str}, 1<<30),
		"map that lies":     uv([]byte{1, mapk, str, str}, 1<<30),
		"giant array":       uv(uv([]byte{1, array}, 1<<40), uint64(byteK)),
		"giant array type":  append(uv(append(uv([]byte{1, array}, 1<<30), array), 1<<30), f64),
		"unhashable key":    {1, mapk, slice, byteK, byteK, 2, 1, 0},
		"bad field name":    append(uv([]byte{1, byte(reflect.Struct)}, 1), 1, 'x', byteK, 0),
		"unknown kind":      {1, 77},
		"deep types":        deep,
		"deep interfaces":   nestedAny,
		"trailing bytes":    {1, byte(reflect.Bool), 1, 1},
		"bad bool":          {1, byte(reflect.Bool), 7},
		"pointer tag":       {1, ptr, byteK, 9},
		"nested JSON":       {1, slice, 102, 2, 1, '1'},
		"unknown binary":    append(append(uv([]byte{1, 101}, 4), "nope"...), 0, 0),
		"zero-size billion": uv(append([]byte{1, slice}, array, 0, byteK), 1<<31-1),
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		v, err := runtimes.DecodeValue(in, nil)
		runtime.ReadMemStats(&after)
		if name == "zero-size billion" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		} else if err == nil {
			t.Errorf("%s: accepted as %T", name, v)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
			t.Errorf("%s: decoding %d bytes allocated %d", name, len(in), got)
		}
	}
}

// TestEncodeValueOfHugeZeroSizeValues: slices and arrays of elements that
// take no memory can have any length Go allows; encoding them must not
// visit their elements (the CI fuzzer found a [1<<31-1]struct{} hanging).
func TestEncodeValueOfHugeZeroSizeValues(t *testing.T) {
	type empty struct {
		A struct{}
		B [0]int
	}
	for _, v := range []any{
		make([]struct{}, 1<<40),
		make([]empty, 1<<40),
		[1<<31 - 1][0]byte{},
		make([][1 << 20]struct{}, 1<<30),
	} {
		done := make(chan error, 1)
		go func() {
			b, err := runtimes.EncodeValue(v)
			if err == nil {
				var w any
				if w, err = runtimes.DecodeValue(b, nil); err == nil && reflect.ValueOf(w).Len() != reflect.ValueOf(v).Len() {
					err = fmt.Errorf("decoded as %T of length %d", w, reflect.ValueOf(w).Len())
				}
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%T: %v", v, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("encoding a %T did not finish in 10 s", v)
		}
	}
}

// TestDecodeValueIntoBoundsZeroSizeElements: a slice of zero-size
// elements takes no data, but decoded into a []any each element takes 16
// bytes: a claimed count must not allocate what the data cannot justify.
func TestDecodeValueIntoBoundsZeroSizeElements(t *testing.T) {
	in := binary.AppendUvarint([]byte{1, byte(reflect.Slice), byte(reflect.Struct), 0}, 1<<31)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var into []any
	err := runtimes.DecodeValueInto(in, &into)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Errorf("accepted %d elements into a []any", len(into))
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("decoding %d bytes allocated %d", len(in), got)
	}
	// The same count into a []struct{} is a valid value of no memory.
	var empty []struct{}
	if err := runtimes.DecodeValueInto(in, &empty); err != nil || len(empty) != 1<<31-1 {
		t.Errorf("into []struct{}: %d elements, %v", len(empty), err)
	}
}

// FuzzDecodeValue feeds DecodeValue and DecodeValueInto whatever a
// broken or hostile child could send. They must not panic, and a value
// DecodeValue accepts must encode and decode again to the same value.
func FuzzDecodeValue(f *testing.F) {
	for _, v := range []any{1, "s", []byte("b"), []float64{1, 2}, map[string]int{"a": 1}, []any{1, nil, "x"},
		struct{ A, B int }{1, 2}, time.Second, [2]bool{true}, &struct{ P *int }{}, [1<<31 - 1]struct{}{}} {
		b, err := runtimes.EncodeValue(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{1, 102, 3, '[', '1', ']'})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var into []any
		_ = runtimes.DecodeValueInto(data, &into)
		v, err := runtimes.DecodeValue(data, resolveImage)
		if err != nil || v == nil {
			return
		}
		again, err := runtimes.EncodeValue(v)
		if err != nil {
			t.Fatalf("a decoded %T does not encode: %v", v, err)
		}
		w, err := runtimes.DecodeValue(again, resolveImage)
		if err != nil {
			t.Fatalf("a re-encoded %T does not decode: %v", v, err)
		}
		third, err := runtimes.EncodeValue(w)
		if err != nil {
			t.Fatalf("a decoded %T does not encode: %v", w, err)
		}
		// DeepEqual fails on NaN, the bytes on a map's order: one must hold.
		// The bytes go first: DeepEqual visits every element of a
		// [1<<31-1]struct{}, which the decoder rightly accepts.
		if reflect.TypeOf(v) != reflect.TypeOf(w) || !bytes.Equal(again, third) && !reflect.DeepEqual(v, w) {
			t.Fatalf("round trip changed %T %s into %T %s", v, fmtV(v), w, fmtV(w))
		}
	})
}

func fmtV(v any) string { return fmt.Sprintf("%v", v) }
