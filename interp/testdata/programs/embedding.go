package main

import "fmt"

type Animal struct{ Name string }

func (a Animal) Speak() string { return a.Name + " makes a sound" }
func (a Animal) Kind() string  { return "animal" }

type Dog struct {
	Animal
	Breed string
}

func (d Dog) Speak() string { return d.Name + " barks" }

type Speaker interface{ Speak() string }

func main() {
	d := Dog{Animal{"Rex"}, "collie"}
	fmt.Println(d.Speak())
	fmt.Println(d.Animal.Speak())
	fmt.Println(d.Kind(), d.Name, d.Breed)
	var s Speaker = d
	fmt.Println(s.Speak())
	s = d.Animal
	fmt.Println(s.Speak())
}
