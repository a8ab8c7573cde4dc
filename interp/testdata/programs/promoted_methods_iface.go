package main

// Struct embedding with promoted methods satisfying interfaces: an
// embedded value type and an embedded pointer, a method overridden by the
// outer type that still calls the inner one, an embedded interface field,
// and the outer values passed to functions taking the interfaces.

import (
	"fmt"
	"strings"
)

type Namer interface{ Name() string }

type Greeter interface {
	Namer
	Greet() string
}

type Animal struct{ name string }

func (a Animal) Name() string     { return a.name }
func (a Animal) Greet() string    { return "hello from " + a.name }
func (a *Animal) Rename(n string) { a.name = n }

type Dog struct {
	Animal
	breed string
}

func (d Dog) Greet() string { return "woof! " + d.Animal.Greet() }

type Cat struct {
	*Animal
	lives int
}

type Logger struct {
	Namer
	lines []string
}

func (l *Logger) Log(msg string) {
	l.lines = append(l.lines, l.Name()+": "+msg)
}

func greetAll(gs ...Greeter) {
	for _, g := range gs {
		fmt.Printf("%s says %q\n", g.Name(), g.Greet())
	}
}

func names(ns []Namer) string {
	var parts []string
	for _, n := range ns {
		parts = append(parts, n.Name())
	}
	return strings.Join(parts, ",")
}

func main() {
	d := Dog{Animal{"rex"}, "collie"}
	c := Cat{&Animal{"tom"}, 9}
	greetAll(d, c, Animal{"generic"})
	d.Rename("max")
	c.Rename("felix")
	fmt.Println(d.Name(), c.Name(), d.breed, c.lives)
	fmt.Println(names([]Namer{d, c, &d, Animal{"a"}}))

	var g Greeter = d
	if dd, ok := g.(Dog); ok {
		fmt.Println("dog of breed", dd.breed)
	}
	g = c
	fmt.Println(g.Greet())

	l := &Logger{Namer: d}
	l.Log("started")
	l.Namer = c
	l.Log("switched")
	fmt.Println(strings.Join(l.lines, "; "))
	fmt.Printf("%v %+v\n", d, d)
}
