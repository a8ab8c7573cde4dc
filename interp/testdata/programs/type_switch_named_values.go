package main

// Type switches and assertions on interfaces holding values of named
// types: named strings, ints and slices, structs and pointers to them,
// an error type, a session interface, and values reaching the switch
// from a []any literal, a map of any, and function results.

import (
	"errors"
	"fmt"
)

type Celsius float64
type Label string
type IDs []int

type Point struct{ X, Y int }

type Walker interface{ Walk() string }

type Robot struct{ Model string }

func (r *Robot) Walk() string { return r.Model + " walks" }

type Fail struct{ Reason string }

func (f Fail) Error() string { return "fail: " + f.Reason }

func classify(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case Celsius:
		return fmt.Sprintf("celsius %.1f", float64(x))
	case Label:
		return "label " + string(x)
	case IDs:
		return fmt.Sprintf("ids %d", len(x))
	case Point:
		return fmt.Sprintf("point %d,%d", x.X, x.Y)
	case *Point:
		return fmt.Sprintf("point pointer %d,%d", x.X, x.Y)
	case Walker:
		return "walker: " + x.Walk()
	case error:
		return "error: " + x.Error()
	case int, int64:
		return fmt.Sprintf("integer %v", x)
	case string:
		return "string " + x
	case func() int:
		return fmt.Sprint("func giving ", x())
	default:
		return fmt.Sprintf("other %T", x)
	}
}

func make1(kind int) any {
	switch kind {
	case 0:
		return Point{1, 2}
	case 1:
		return Label("made")
	case 2:
		return &Robot{"R3"}
	}
	return Fail{"kind"}
}

func main() {
	values := []any{
		Celsius(21.5), Label("hot"), IDs{1, 2, 3}, Point{3, 4}, &Point{5, 6},
		&Robot{"R2"}, Fail{"disk"}, 42, int64(7), nil,
		func() int { return 9 }, []string{"s"},
	}
	for i, v := range values {
		fmt.Println(i, classify(v))
	}
	m := map[string]any{"p": Point{7, 8}, "l": Label("m")}
	fmt.Println(classify(m["p"]), classify(m["l"]), classify(m["missing"]))
	for k := 0; k < 4; k++ {
		fmt.Println(classify(make1(k)))
	}

	var e error = &Fail{"x"}
	var f *Fail
	fmt.Println(errors.As(e, &f), f.Reason)
	if w, ok := make1(2).(Walker); ok {
		fmt.Println(w.Walk())
	}
	if _, ok := make1(0).(Walker); !ok {
		fmt.Println("a point does not walk")
	}
	p, ok := values[3].(Point)
	fmt.Println(p, ok)
	_, ok = values[4].(Point)
	fmt.Println(ok)
}
