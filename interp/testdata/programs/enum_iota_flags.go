package main

// Enumerations with iota: a Weekday with String and methods, a bit-flag
// Permission type with a String that joins set flags, skipped values and
// expressions in const blocks, a typed enum in a switch, in a map key and
// in a struct field printed with %v and %+v, and parsing back from text.

import (
	"fmt"
	"strings"
)

type Weekday int

const (
	Sunday Weekday = iota
	Monday
	Tuesday
	Wednesday
	Thursday
	Friday
	Saturday
)

var dayNames = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

func (d Weekday) String() string { return dayNames[d] }
func (d Weekday) Weekend() bool  { return d == Saturday || d == Sunday }
func (d Weekday) Next() Weekday  { return (d + 1) % 7 }

type Perm uint8

const (
	Read Perm = 1 << iota
	Write
	Exec
)

func (p Perm) String() string {
	if p == 0 {
		return "none"
	}
	var parts []string
	for _, f := range []struct {
		flag Perm
		name string
	}{{Read, "r"}, {Write, "w"}, {Exec, "x"}} {
		if p&f.flag != 0 {
			parts = append(parts, f.name)
		}
	}
	return strings.Join(parts, "|")
}

type Size int

const (
	_       = iota
	KB Size = 1 << (10 * iota)
	MB
	GB
)

type Task struct {
	Name string
	Day  Weekday
	Perm Perm
}

func parseDay(s string) (Weekday, error) {
	for i, n := range dayNames {
		if strings.EqualFold(n, s) {
			return Weekday(i), nil
		}
	}
	return 0, fmt.Errorf("unknown day %q", s)
}

func main() {
	for d := Sunday; d <= Saturday; d++ {
		fmt.Printf("%v %d weekend=%t next=%v\n", d, d, d.Weekend(), d.Next())
	}
	p := Read | Write
	fmt.Println(p, Exec, Perm(0), p|Exec, p&^Write)
	fmt.Printf("%v %d %s %03b\n", p, p, p, p)
	fmt.Println(KB, MB, GB)

	counts := map[Weekday]int{}
	for _, d := range []Weekday{Monday, Friday, Monday, Sunday} {
		counts[d]++
	}
	fmt.Println(counts[Monday], counts[Friday], counts[Tuesday])

	t := Task{"backup", Friday, Read | Exec}
	fmt.Printf("%v\n%+v\n", t, t)
	switch t.Day {
	case Saturday, Sunday:
		fmt.Println("weekend task")
	case Friday:
		fmt.Println("friday task")
	default:
		fmt.Println("weekday task")
	}
	for _, s := range []string{"wed", "SAT", "xyz"} {
		d, err := parseDay(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(s, "->", d, int(d))
	}
	days := []Weekday{Tuesday, Saturday}
	fmt.Println(days, len(days))
}
