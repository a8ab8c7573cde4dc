package main

// fmt verbs (%v %+v %#v %T %q %x %d %s) on values of named types: a named
// string, int, float, slice and map, a struct with named fields, a
// pointer to a struct, a type with a String method and one with a
// GoString method, printed directly and through strings.Builder and
// fmt.Fprintf.

import (
	"fmt"
	"strings"
)

type Name string
type Count int
type Ratio float64
type Tags []string
type Scores map[string]int

type Version struct {
	Major, Minor int
	Label        Name
}

type Color int

const (
	Red Color = iota
	Green
	Blue
)

func (c Color) String() string { return [...]string{"Red", "Green", "Blue"}[c] }

type ID uint32

func (id ID) GoString() string { return fmt.Sprintf("ID(%d)", uint32(id)) }

func main() {
	n := Name("gopher")
	c := Count(42)
	r := Ratio(0.25)
	t := Tags{"a", "b"}
	s := Scores{"x": 1}
	v := Version{1, 22, "stable"}
	p := &Version{2, 0, "beta"}

	fmt.Printf("%v|%s|%q|%x|%T\n", n, n, n, n, n)
	fmt.Printf("%v|%d|%x|%08b|%T\n", c, c, c, c, c)
	fmt.Printf("%v|%.3f|%e|%T\n", r, r, r, r)
	fmt.Printf("%v|%q|%#v|%T\n", t, t, t, t)
	fmt.Printf("%v|%#v|%T\n", s, s, s)
	fmt.Printf("%v|%+v|%#v|%T\n", v, v, v, v)
	fmt.Printf("%v|%+v|%T\n", p, p, p)
	fmt.Printf("%v|%d|%s|%q|%x|%#v|%T\n", Blue, Blue, Green, Red, Blue, Green, Red)
	fmt.Printf("%v|%#v|%T\n", ID(7), ID(7), ID(7))
	fmt.Printf("%v\n", []Color{Red, Blue})
	fmt.Printf("%#v\n", []Name{"a", "b"})

	var b strings.Builder
	fmt.Fprintf(&b, "%s-%d", n, c)
	b.WriteString("|")
	b.WriteString(string(n))
	fmt.Fprint(&b, "|", v.Label, "|", Green)
	fmt.Println(b.String(), b.Len())
	fmt.Println(n, c, r, t, v, Blue)
	fmt.Println(fmt.Sprint(Green), fmt.Sprintf("%5s|%-6v|", Red, Blue))
}
