package interp

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/interp/internal/yaegix"
)

// values unpacks what the value collector returned.
func values(v reflect.Value) []reflect.Value {
	if !v.IsValid() {
		return nil
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	vals, ok := v.Interface().([]any)
	if !ok {
		return []reflect.Value{v}
	}
	out := make([]reflect.Value, len(vals))
	for i, x := range vals {
		out[i] = yaegix.Unwrap(reflect.ValueOf(x))
		if out[i].IsValid() && out[i].CanInterface() {
			switch r := out[i].Interface().(type) {
			case richValue:
				if w := yaegix.Unwrap(reflect.ValueOf(r.V)); w.IsValid() && w.CanInterface() {
					r.V = w.Interface()
				}
				out[i] = reflect.ValueOf(r)
			case textValue:
				if w := yaegix.Unwrap(reflect.ValueOf(r.V)); w.IsValid() && w.CanInterface() {
					r.V = w.Interface()
				}
				out[i] = reflect.ValueOf(r)
			}
		}
	}
	return out
}

// bundleOf renders a final expression's results. One result shows as Go
// prints it (%v, strings quoted like %q) plus rich types when the value
// displays itself; several results show as a parenthesised list
// "(1, <nil>)"; none shows nothing.
func bundleOf(vals []reflect.Value) (display.Bundle, bool) {
	switch len(vals) {
	case 0:
		return display.Bundle{}, false
	case 1:
		v := vals[0]
		if b, ok := multiBundle(v); ok {
			return b, true
		}
		if v.IsValid() && v.CanInterface() {
			if r, ok := v.Interface().(richValue); ok {
				b := r.B
				if b.Data == nil {
					b.Data = map[string]any{}
				}
				if _, ok := b.Data["text/plain"]; !ok {
					b.Data["text/plain"] = plainText(reflect.ValueOf(r.V))
				}
				if b.Metadata == nil {
					b.Metadata = map[string]any{}
				}
				return b, true
			}
			if t, ok := v.Interface().(textValue); ok {
				// A compiled value with a String method may also display itself.
				if b, ok := richBundle(t.V); ok {
					return b, true
				}
				return textBundle(t.S), true
			}
			if b, ok := richBundle(v.Interface()); ok {
				return b, true
			}
		}
		return textBundle(plainText(v)), true
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		if v.IsValid() && v.CanInterface() {
			if r, ok := v.Interface().(richValue); ok {
				v = reflect.ValueOf(r.V)
			}
			if t, ok := v.Interface().(textValue); ok {
				parts[i] = t.S
				continue
			}
		}
		parts[i] = plainText(v)
	}
	return textBundle("(" + strings.Join(parts, ", ") + ")"), true
}

// maxText bounds the text/plain of a value: a front end chokes on
// megabytes of output from one innocent final expression.
const maxText = 256 << 10

// plainText formats a value as Go would print it, with strings quoted,
// shortened to maxText bytes.
func plainText(v reflect.Value) string {
	s := formatValue(v)
	if len(s) > maxText {
		cut := maxText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = fmt.Sprintf("%s… (%d more bytes)", s[:cut], len(s)-cut)
	}
	return s
}

func formatValue(v reflect.Value) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("<value of type %s: %v>", v.Type(), r)
		}
	}()
	if !v.IsValid() {
		return "<nil>"
	}
	if !v.CanInterface() {
		return v.String()
	}
	x := v.Interface()
	switch x := x.(type) {
	case string:
		return strconv.Quote(x)
	case error:
		return x.Error()
	}
	return fmt.Sprintf("%v", x)
}

// bundleSet is a value that displays as several outputs, such as
// *runtimes.Results: its charts as an image/png output and its table.
type bundleSet interface {
	Bundles() []display.Bundle
}

// multiBundle publishes all but the last of a bundleSet's outputs as
// display_data, in order, and returns the last as the cell's result, so
// that each output keeps its own MIME type (an image/png that exporters
// and HTML-sanitising front ends keep, a table beside it).
func multiBundle(v reflect.Value) (display.Bundle, bool) {
	if !v.IsValid() || !v.CanInterface() {
		return display.Bundle{}, false
	}
	x := v.Interface()
	switch w := x.(type) {
	case textValue:
		x = w.V
	case richValue:
		x = w.V
	}
	set, ok := x.(bundleSet)
	if !ok {
		return display.Bundle{}, false
	}
	bs := set.Bundles()
	if len(bs) == 0 {
		return display.Bundle{}, false
	}
	for _, b := range bs[:len(bs)-1] {
		display.Publish(b)
	}
	b := bs[len(bs)-1]
	if b.Metadata == nil {
		b.Metadata = map[string]any{}
	}
	return b, true
}
