package main

// Method values and method expressions kept in maps and slices: a
// calculator whose operations are methods, bound method values taken from
// values and pointers (and what they capture), method expressions called
// with an explicit receiver, and method values passed as callbacks.

import (
	"fmt"
	"sort"
	"strings"
)

type Calc struct{ acc int }

func (c *Calc) Add(n int) { c.acc += n }
func (c *Calc) Sub(n int) { c.acc -= n }
func (c *Calc) Mul(n int) { c.acc *= n }
func (c Calc) Value() int { return c.acc }

type Temp float64

func (t Temp) Fahrenheit() float64 { return float64(t)*9/5 + 32 }
func (t Temp) Plus(d float64) Temp { return t + Temp(d) }

type Person struct{ First, Last string }

func (p Person) Full() string { return p.First + " " + p.Last }

func apply(f func(int), xs ...int) {
	for _, x := range xs {
		f(x)
	}
}

func mapStrings(ps []Person, f func(Person) string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, f(p))
	}
	return out
}

func main() {
	c := &Calc{}
	ops := map[string]func(int){
		"add": c.Add,
		"sub": c.Sub,
		"mul": c.Mul,
	}
	prog := []struct {
		op string
		n  int
	}{{"add", 5}, {"mul", 3}, {"sub", 4}, {"mul", 2}}
	for _, step := range prog {
		ops[step.op](step.n)
		fmt.Printf("%s %d -> %d\n", step.op, step.n, c.Value())
	}
	keys := make([]string, 0, len(ops))
	for k := range ops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(keys)

	apply(c.Add, 1, 2, 3)
	fmt.Println(c.Value())

	snapshot := c.Value
	c.Add(100)
	fmt.Println(snapshot(), c.Value())

	add := (*Calc).Add
	add(c, 7)
	value := Calc.Value
	fmt.Println(value(*c))

	t := Temp(100)
	f := t.Fahrenheit
	t = 0
	fmt.Println(f(), t.Fahrenheit())
	plus := Temp.Plus
	fmt.Println(plus(Temp(1.5), 2))

	people := []Person{{"Ada", "Lovelace"}, {"Alan", "Turing"}}
	fmt.Println(strings.Join(mapStrings(people, Person.Full), "; "))
	fulls := []func() string{}
	for _, p := range people {
		fulls = append(fulls, p.Full)
	}
	for _, fn := range fulls {
		fmt.Println(fn())
	}
}
