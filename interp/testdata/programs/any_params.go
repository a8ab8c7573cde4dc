package main

// Values of declared types with methods passed to parameters of the empty
// interface type: a composite literal, a call's result, a pointer, through
// a function, a variadic function, a method, a function value and a
// function literal, called repeatedly and inside loops (yaegi v0.16.1
// lost such an argument: "invalid memory address or nil pointer
// dereference" on the first call, "<nil>" on the second). Then printing of
// slices and maps of any holding them, and %T of values held in an
// interface.

import (
	"errors"
	"fmt"
)

type point struct{ x, y int }

func (p point) String() string { return fmt.Sprintf("(%d,%d)", p.x, p.y) }

type myErr struct{ code int }

func (e myErr) Error() string { return fmt.Sprintf("error %d", e.code) }

type level int

func (l level) String() string { return [...]string{"low", "mid", "high"}[l] }

type bare struct{ a, b int }

type shelf struct{ name string }

func (s shelf) put(v any) { fmt.Printf("%s got %v (%T)\n", s.name, v, v) }

func show(v any) { fmt.Printf("%v %T\n", v, v) }

func showAll(prefix string, vs ...any) {
	fmt.Print(prefix)
	for _, v := range vs {
		fmt.Printf(" %v", v)
	}
	fmt.Println()
}

func describe(i interface{}) {
	switch v := i.(type) {
	case point:
		fmt.Println("a point at", v.x, v.y)
	case error:
		fmt.Println("an error:", v)
	case fmt.Stringer:
		fmt.Println("a stringer:", v)
	default:
		fmt.Printf("something else: %v\n", v)
	}
}

func mk(i int) point { return point{i, i * i} }

var showf = func(v any) { fmt.Println("showf", v) }

func main() {
	show(point{1, 2})
	show(point{1, 2})
	show(point{3, 4})
	show(mk(3))
	show(&point{5, 6})
	show(myErr{7})
	show(level(2))
	show(bare{1, 2})
	for i := 0; i < 3; i++ {
		show(point{i, 2})
		showAll("all:", point{i, 0}, myErr{i}, i, "s", nil)
	}
	shelf{"top"}.put(point{8, 9})
	shelf{"low"}.put(myErr{10})
	showf(point{1, 1})
	func(v any) { fmt.Println("literal", v) }(point{2, 2})
	describe(point{1, 2})
	describe(myErr{3})
	describe(level(1))
	describe(42)

	var err error = myErr{11}
	show(err)
	fmt.Printf("%T %v\n", err, errors.Unwrap(err) == nil)

	xs := []any{point{1, 2}, &point{3, 4}, 5, "s", nil, bare{7, 8}, myErr{9}}
	fmt.Println(xs)
	fmt.Printf("%v|%+v\n", xs, xs)
	m := map[string]any{"p": point{}, "n": 2}
	fmt.Println(m)
	fmt.Println([]any{1, "x", 2.5, nil, []int{1}})

	for _, l := range []level{0, 1} {
		fmt.Printf("%v %T\n", l, l)
	}

	var st fmt.Stringer = point{4, 4}
	fmt.Printf("%v %T\n", st, st)
}
