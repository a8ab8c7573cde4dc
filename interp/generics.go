package interp

import (
	"cmp"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"math"
	"reflect"
	"slices"
	"sort"
	"sync"

	"github.com/spinlab/spinlab/interp/cell"
	"github.com/spinlab/spinlab/interp/internal/yaegix"
	yaegi "github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib/generic"
)

// The generic functions of slices, maps and cmp. yaegi v0.16.1 loads the
// standard library's own source of these packages, but most of it does not
// run there: it cannot infer E from a parameter S ~[]E, nor a type argument
// from a variadic parameter or from a parameter of func type, and it lacks
// the files that hold Sort, Max, Min, Keys, Values, All and the iterator
// functions. spinlab's own implementations (generics/*.go.txt), written in
// the Go that yaegi runs, are compiled into every interpreter after the
// symbol tables, replacing the functions of the same names. Sorting slices
// of ordered elements, and sorting with a comparison function, is done by
// compiled code (sortOrdered, sortFunc).

// yaegiGenerics are yaegi's own sources of the generic packages
// (generic.Sources, in its order), which Interpreter.Use compiles when it
// loads the standard library's tables (with "fmt/fmt" among them), by
// package name. spinlab's sources replace their functions, but cmp's
// Ordered is yaegi's.
var yaegiGenerics = sync.OnceValues(func() ([]string, map[string]string) {
	var order []string
	srcs := map[string]string{}
	for _, src := range generic.Sources {
		f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.PackageClauseOnly)
		if err != nil {
			panic(fmt.Sprintf("yaegi's generic sources: %v", err)) // embedded in yaegi: cannot fail
		}
		order = append(order, f.Name.Name)
		srcs[f.Name.Name] = src
	}
	return order, srcs
})

// loadGenerics compiles spinlab's slices, maps, cmp and iter into yi, and
// the session's generic helpers of the main package: the interpreter's
// whole set, for one that loaded every table (yaegi has compiled its own
// generic sources then).
func loadGenerics(yi *yaegi.Interpreter) error {
	for _, name := range cell.LibraryNames() {
		if err := loadGeneric(yi, name); err != nil {
			return err
		}
	}
	if err := loadNewPolyfill(yi); err != nil {
		return err
	}
	return loadErrorsAs(yi)
}

// loadGeneric compiles spinlab's package name of generics/ into yi.
func loadGeneric(yi *yaegi.Interpreter, name string) error {
	if _, err := yi.Compile(cell.LibrarySource(name)); err != nil {
		return fmt.Errorf("package %s: %w", name, err)
	}
	return nil
}

// loadNewPolyfill declares new(expr) where the rewriter cannot tell
// expr's type (builtins_new.go).
func loadNewPolyfill(yi *yaegi.Interpreter) error {
	if _, err := yi.Eval("func _spinlabNew[T any](v T) *T { return &v }"); err != nil {
		return fmt.Errorf("new polyfill: %w", err)
	}
	return nil
}

// loadErrorsAs declares errors.As and errors.AsType for the interpreter
// in the main package (cell.MainFuncs).
func loadErrorsAs(yi *yaegi.Interpreter) error {
	if _, err := yi.Eval(`import _spinlaberrs "spinlab.dev/rt"` + "\n" + cell.LibraryErrors()); err != nil {
		return fmt.Errorf("errors.As: %w", err)
	}
	return nil
}

// genericSymbols are the compiled helpers of the generic packages.
func genericSymbols() map[string]reflect.Value {
	return map[string]reflect.Value{
		"SortOrdered": reflect.ValueOf(sortOrdered),
		"SortFunc":    reflect.ValueOf(sortFunc),
		"Inner":       reflect.ValueOf(innerValue),
		"Unwrap":      reflect.ValueOf(unwrapError),
		"Same":        reflect.ValueOf(sameError),
		"CompiledIs":  reflect.ValueOf(compiledIs),
		"Joined":      reflect.ValueOf(joinedError),
		"Join":        reflect.ValueOf(errors.Join),
	}
}

// sortOrdered is slices.Sort: x is a slice of an ordered kind (an
// interpreted named type has the reflect type of its underlying type). A
// NaN sorts before every other value, as cmp.Compare orders it.
func sortOrdered(x any) {
	switch s := x.(type) {
	case []int:
		slices.Sort(s)
		return
	case []float64:
		slices.Sort(s)
		return
	case []string:
		slices.Sort(s)
		return
	case []int64:
		slices.Sort(s)
		return
	}
	v := reflect.ValueOf(x)
	if v.Kind() != reflect.Slice {
		panic(fmt.Sprintf("slices.Sort: %T is not a slice", x))
	}
	var less func(i, j int) bool
	switch v.Type().Elem().Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		less = func(i, j int) bool { return v.Index(i).Int() < v.Index(j).Int() }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		less = func(i, j int) bool { return v.Index(i).Uint() < v.Index(j).Uint() }
	case reflect.Float32, reflect.Float64:
		less = func(i, j int) bool {
			a, b := v.Index(i).Float(), v.Index(j).Float()
			return cmp.Less(a, b) || math.IsNaN(a) && !math.IsNaN(b)
		}
	case reflect.String:
		less = func(i, j int) bool { return v.Index(i).String() < v.Index(j).String() }
	default:
		panic(fmt.Sprintf("slices.Sort: %s does not satisfy cmp.Ordered", v.Type().Elem()))
	}
	sort.Slice(x, less)
}

// sortFunc is slices.SortFunc and SortStableFunc: x is a slice and cmp a
// func(a, b E) int, both as yaegi passes them to compiled code.
func sortFunc(x any, cmpFn any, stable bool) {
	v := reflect.ValueOf(x)
	f := reflect.ValueOf(cmpFn)
	if v.Kind() != reflect.Slice || f.Kind() != reflect.Func {
		panic(fmt.Sprintf("slices.SortFunc: %T, %T", x, cmpFn))
	}
	in := make([]reflect.Value, 2)
	less := func(i, j int) bool {
		in[0], in[1] = v.Index(i), v.Index(j)
		return f.Call(in)[0].Int() < 0
	}
	if stable {
		sort.SliceStable(x, less)
	} else {
		sort.Slice(x, less)
	}
}

// innerValue returns the value of an interpreted type inside yaegi's
// compiled wrapper (which compiled code hands back, as errors.Unwrap does
// for an error that fmt.Errorf wrapped), or x itself.
func innerValue(x any) any {
	v := reflect.ValueOf(x)
	if v.IsValid() && isWrapper(v.Type()) {
		if in := yaegix.Unwrap(v.Field(0)); in.IsValid() && in.CanInterface() {
			return in.Interface()
		}
	}
	return x
}

// sameError reports whether err and target are the same error, as
// errors.Is compares them: equal values of a comparable type, looked at
// inside yaegi's compiled wrapper (whose method fields make it
// uncomparable, so == on it would panic).
func sameError(err, target error) bool {
	a, b := innerValue(err), innerValue(target)
	if a == nil || b == nil {
		return a == b
	}
	ta := reflect.TypeOf(a)
	return ta == reflect.TypeOf(b) && ta.Comparable() && a == b
}

// compiledIs calls the Is method of a compiled error (syscall.Errno's
// makes errors.Is(err, fs.ErrNotExist) hold); yaegi's wrapper of an
// interpreted value has none.
func compiledIs(err, target error) bool {
	i, ok := err.(interface{ Is(error) bool })
	return ok && i.Is(target)
}

// joinedError reports whether a compiled err wraps a list of errors
// (errors.Join's, fmt.Errorf's with several %w), which errors.Unwrap
// does not unwrap.
func joinedError(err error) bool {
	_, ok := err.(interface{ Unwrap() []error })
	return ok
}

// unwrapError returns the errors a compiled error wraps.
func unwrapError(err error) []error {
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if e := u.Unwrap(); e != nil {
			return []error{e}
		}
	case interface{ Unwrap() []error }:
		return u.Unwrap()
	}
	return nil
}
