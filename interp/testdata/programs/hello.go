package main

import "fmt"

func main() {
	fmt.Println("hello, world")
	fmt.Printf("%s has %d letters\n", "gopher", len("gopher"))
}
