package main

import "fmt"

func trace(name string) func() {
	fmt.Println("enter", name)
	return func() { fmt.Println("leave", name) }
}

func deferred() (result int) {
	defer func() { result *= 2 }()
	return 21
}

func main() {
	defer trace("main")()
	for i := 0; i < 3; i++ {
		defer fmt.Println("deferred", i)
	}
	fmt.Println(deferred())
}
