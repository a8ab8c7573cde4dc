package main

import "fmt"

var x = "package"

func show() { fmt.Println(x) }

func main() {
	show()
	x := "main"
	fmt.Println(x)
	{
		x := "block"
		fmt.Println(x)
	}
	if x := 42; x > 0 {
		fmt.Println("if", x)
	}
	fmt.Println(x)
	for x := 0; x < 2; x++ {
		fmt.Println("loop", x)
	}
	show()
}
