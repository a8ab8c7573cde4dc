package main

// Values of a declared interface type in slices, maps and struct fields,
// printed whole: []Shape, map[string]Shape, a struct with a Shape field,
// with %v, %+v and %d, a nil element, and through a variadic function
// (yaegi v0.16.1 keeps such elements in its own form, which fmt printed as
// "{0xc000… {0xc000… 0xc000… 409}}").

import (
	"fmt"
	"math"
)

type Shape interface {
	Area() float64
	Perimeter() float64
}

type Circle struct{ R float64 }

func (c Circle) Area() float64      { return math.Pi * c.R * c.R }
func (c Circle) Perimeter() float64 { return 2 * math.Pi * c.R }

type Rect struct{ W, H float64 }

func (r Rect) Area() float64      { return r.W * r.H }
func (r Rect) Perimeter() float64 { return 2 * (r.W + r.H) }
func (r Rect) String() string     { return fmt.Sprintf("Rect(%gx%g)", r.W, r.H) }

type Labeled struct {
	Name  string
	Shape Shape
}

func largest(ss ...Shape) Shape {
	var best Shape
	for _, s := range ss {
		if best == nil || s.Area() > best.Area() {
			best = s
		}
	}
	return best
}

func main() {
	shapes := []Shape{Circle{1}, Rect{2, 3}, &Rect{1, 1}}
	for _, s := range shapes {
		fmt.Printf("%T %v %.2f %.2f\n", s, s, s.Area(), s.Perimeter())
	}
	fmt.Println(shapes)
	fmt.Printf("%+v\n", shapes)
	fmt.Println(largest(shapes...))
	m := map[string]Shape{"c": Circle{2}, "r": Rect{1, 2}}
	fmt.Println(m, m["c"].Area() > 12)
	withNil := []Shape{nil, Circle{3}}
	fmt.Println(withNil, len(withNil))
	l := Labeled{"unit", Rect{1, 1}}
	fmt.Println(l)
	fmt.Printf("%+v\n", l)
	ls := []Labeled{{"a", Circle{1}}, {"b", nil}}
	fmt.Printf("%v\n", ls)
	fmt.Println([]fmt.Stringer{Rect{4, 5}})
}
