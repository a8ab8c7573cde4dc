package main

// Several implementations of a Shape interface, each with a String method
// (value and pointer receivers), kept in a []Shape, sorted by area with
// sort.Slice, summed through a function taking the interface, printed with
// %v, %s and %T, and found again with type assertions.

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

type Shape interface {
	Area() float64
	Name() string
}

type Rect struct{ W, H float64 }
type Circle struct{ R float64 }
type Triangle struct{ A, B, C float64 }
type Square struct{ Side float64 }

func (r Rect) Area() float64  { return r.W * r.H }
func (r Rect) Name() string   { return "rect" }
func (r Rect) String() string { return fmt.Sprintf("Rect(%gx%g)", r.W, r.H) }

func (c Circle) Area() float64  { return math.Pi * c.R * c.R }
func (c Circle) Name() string   { return "circle" }
func (c Circle) String() string { return fmt.Sprintf("Circle(r=%g)", c.R) }

func (t *Triangle) Area() float64 {
	s := (t.A + t.B + t.C) / 2
	return math.Sqrt(s * (s - t.A) * (s - t.B) * (s - t.C))
}
func (t *Triangle) Name() string   { return "triangle" }
func (t *Triangle) String() string { return fmt.Sprintf("Triangle(%g,%g,%g)", t.A, t.B, t.C) }

func (s Square) Area() float64 { return s.Side * s.Side }
func (s Square) Name() string  { return "square" }

func total(shapes ...Shape) float64 {
	sum := 0.0
	for _, s := range shapes {
		sum += s.Area()
	}
	return sum
}

func describe(s Shape) string {
	return fmt.Sprintf("%-8s %8.3f %v", s.Name(), s.Area(), s)
}

func largest(shapes []Shape) Shape {
	var best Shape
	for _, s := range shapes {
		if best == nil || s.Area() > best.Area() {
			best = s
		}
	}
	return best
}

func main() {
	shapes := []Shape{
		Rect{3, 4},
		Circle{1},
		&Triangle{3, 4, 5},
		Square{2},
		Rect{1, 1},
		Circle{2.5},
	}
	for _, s := range shapes {
		fmt.Println(describe(s))
	}
	sort.Slice(shapes, func(i, j int) bool { return shapes[i].Area() < shapes[j].Area() })
	var names []string
	for _, s := range shapes {
		names = append(names, s.Name())
	}
	fmt.Println(strings.Join(names, " < "))
	fmt.Printf("total %.3f\n", total(shapes...))
	fmt.Printf("total of two %.3f\n", total(Rect{2, 2}, Square{3}))
	big := largest(shapes)
	fmt.Printf("largest: %v (%T)\n", big, big)
	for _, s := range shapes {
		switch v := s.(type) {
		case Rect:
			fmt.Println("rect with width", v.W)
		case *Triangle:
			fmt.Println("triangle with sides", v.A, v.B, v.C)
		case fmt.Stringer:
			fmt.Println("stringer", v.String())
		default:
			fmt.Printf("other %T %v\n", v, v)
		}
	}
	if c, ok := shapes[len(shapes)-1].(Circle); ok {
		fmt.Println("last is a circle of radius", c.R)
	}
	for _, s := range shapes {
		fmt.Print(s, " ")
	}
	fmt.Println()
	fmt.Printf("%s\n", shapes[0])
}
