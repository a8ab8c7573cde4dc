package main

// Named types that are not structs print under their names (%T, %#v) and
// through their methods inside slices, maps and fields, as compiled Go
// prints them.

import "fmt"

type celsius float64

type level int

func (l level) String() string {
	switch l {
	case 0:
		return "low"
	case 1:
		return "mid"
	}
	return "high"
}

type readings []celsius

type station struct {
	Name   string
	Temps  readings
	Levels map[string]level
	Peak   level
}

func peak(r readings) celsius {
	m := r[0]
	for _, c := range r {
		m = max(m, c)
	}
	return m
}

func levelOf(c celsius) level {
	switch {
	case c < 10:
		return 0
	case c < 25:
		return 1
	}
	return 2
}

func main() {
	r := readings{12.5, 31, 8}
	fmt.Printf("%T %v %#v\n", r, r, r)
	p := peak(r)
	fmt.Printf("%T %.1f %#v\n", p, p, p)
	ls := []level{}
	for _, c := range r {
		ls = append(ls, levelOf(c))
	}
	fmt.Println(ls, levelOf(p))
	fmt.Printf("%T %d %v %#v\n", ls, ls, ls, ls)
	s := station{"north", r, map[string]level{"am": 0, "pm": 2}, levelOf(p)}
	fmt.Printf("%v\n%+v\n%#v\n", s, s, s)
	fmt.Printf("%T %T\n", s.Temps, s.Levels)
	byLevel := map[level][]celsius{}
	for _, c := range r {
		byLevel[levelOf(c)] = append(byLevel[levelOf(c)], c)
	}
	fmt.Println(byLevel)
}
