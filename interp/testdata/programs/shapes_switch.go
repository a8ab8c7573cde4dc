package main

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

type Shape interface {
	Area() float64
	Perimeter() float64
}

type Named interface {
	Shape
	Name() string
}

type Rect struct{ W, H float64 }

func (r Rect) Area() float64      { return r.W * r.H }
func (r Rect) Perimeter() float64 { return 2 * (r.W + r.H) }
func (r Rect) Name() string       { return "rect" }

type Circle struct{ R float64 }

func (c *Circle) Area() float64      { return math.Pi * c.R * c.R }
func (c *Circle) Perimeter() float64 { return 2 * math.Pi * c.R }
func (c *Circle) String() string     { return fmt.Sprintf("circle(%g)", c.R) }

type Square struct{ Rect }

type Label string

func (l Label) String() string { return "label " + string(l) }

type ShapeError struct{ Reason string }

func (e *ShapeError) Error() string { return "bad shape: " + e.Reason }

func classify(v any) string {
	switch s := v.(type) {
	case nil:
		return "nothing"
	case Named:
		return fmt.Sprintf("%s with area %.2f", s.Name(), s.Area())
	case Shape:
		return fmt.Sprintf("shape with perimeter %.2f", s.Perimeter())
	case error:
		return "error: " + s.Error()
	case fmt.Stringer:
		return "stringer: " + s.String()
	case int, float64:
		return fmt.Sprintf("number %v", s)
	default:
		return fmt.Sprintf("unknown %T", s)
	}
}

func total(items []any) float64 {
	sum := 0.0
	for _, it := range items {
		if s, ok := it.(Shape); ok {
			sum += s.Area()
		}
	}
	return sum
}

func main() {
	items := []any{Rect{2, 3}, &Circle{1}, Square{Rect{2, 2}}, Label("x"), &ShapeError{"negative"}, errors.New("plain"), 4, 2.5, "text", nil}
	for _, it := range items {
		fmt.Println(classify(it))
	}
	fmt.Printf("total area %.3f\n", total(items))

	var shapes []Shape
	for _, it := range items {
		if s, ok := it.(Shape); ok {
			shapes = append(shapes, s)
		}
	}
	sort.Slice(shapes, func(i, j int) bool { return shapes[i].Area() < shapes[j].Area() })
	for _, s := range shapes {
		if st, ok := s.(fmt.Stringer); ok {
			fmt.Println("sorted:", st.String())
		} else if n, ok := s.(Named); ok {
			fmt.Println("sorted:", n.Name())
		}
	}

	var err error = &ShapeError{"open"}
	var target *ShapeError
	if errors.As(err, &target) {
		fmt.Println("as:", target.Reason)
	}
	fmt.Println(classify(fmt.Errorf("wrapped: %w", err)))

	defer func() {
		fmt.Println("recovered:", recover())
	}()
	var v any = 5
	fmt.Println(v.(Shape).Area())
}
