package main

// Sentinel errors of declared types and comparisons of interface values:
// err == ErrX and errors.Is(err, ErrX) for a pointer sentinel and for a
// named integer error type, directly, through functions and wrapped with
// %w (yaegi v0.16.1 compared its wrappers: always false), != , a value of
// a named type with methods compared with an any holding it, and
// expression switches on an interface value (yaegi panicked with
// "reflect.Value.Convert: value of type interface {} cannot be converted
// to type int"), and case lists of a switch without a tag (yaegi tested
// only the first expression of each).

import (
	"errors"
	"fmt"
)

type lookupErr struct{ key string }

func (e *lookupErr) Error() string { return "missing " + e.key }

type code int

func (c code) Error() string { return fmt.Sprintf("code %d", int(c)) }

type level int

func (l level) String() string { return [...]string{"low", "mid", "high"}[l] }

var (
	ErrMissing = &lookupErr{"default"}
	ErrLow     = code(1)
	ErrHigh    = code(3)
	ErrPlain   = errors.New("plain")
)

func find(key string) error {
	switch key {
	case "":
		return ErrMissing
	case "low":
		return ErrLow
	case "wrapped":
		return fmt.Errorf("find %q: %w", key, ErrLow)
	case "deep":
		return fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", ErrMissing))
	case "plain":
		return fmt.Errorf("p: %w", ErrPlain)
	case "other":
		return &lookupErr{"other"}
	}
	return nil
}

func classify(v any) string {
	switch v {
	case 1:
		return "one"
	case "two", "deux":
		return "two"
	case level(2):
		return "level high"
	case nil:
		return "nil"
	}
	return fmt.Sprintf("something else (%v)", v)
}

func isHigh(v any) bool { return v == level(2) }

func band(x int) string {
	switch {
	case x > 5, x < 0:
		return "out"
	case x == 0, x == 5:
		return "edge"
	}
	return "in"
}

func main() {
	for _, key := range []string{"", "low", "wrapped", "deep", "plain", "other", "ok"} {
		err := find(key)
		fmt.Printf("%-8q err=%v\n", key, err)
		fmt.Println("  == missing:", err == ErrMissing, " != missing:", err != ErrMissing, " == low:", err == ErrLow, " low == :", ErrLow == err)
		fmt.Println("  is missing:", errors.Is(err, ErrMissing), " is low:", errors.Is(err, ErrLow), " is high:", errors.Is(err, ErrHigh), " is plain:", errors.Is(err, ErrPlain))
		var le *lookupErr
		fmt.Println("  as lookupErr:", errors.As(err, &le))
	}
	var e error = ErrHigh
	fmt.Println(e == ErrHigh, e == ErrLow, errors.Is(e, ErrHigh))

	for _, v := range []any{1, "two", "deux", level(2), level(1), nil, 2.5} {
		fmt.Println(classify(v), isHigh(v))
	}
	for _, x := range []int{7, -1, 0, 5, 3} {
		fmt.Print(band(x), " ")
	}
	fmt.Println()
	var a any = level(2)
	fmt.Println(a == level(2), a != level(2), level(2) == a)
}
