package main

import "fmt"

func double(a [3]int) [3]int {
	for i := range a {
		a[i] *= 2
	}
	return a
}

func main() {
	a := [3]int{1, 2, 3}
	b := a
	b[0] = 100
	fmt.Println(a, b)
	fmt.Println(double(a), a)
	c := [...]string{2: "c", 0: "a"}
	fmt.Println(len(c), c[2], c[1] == "")
	var grid [2][3]int
	grid[1][2] = 5
	fmt.Println(grid)
	fmt.Println(a == [3]int{1, 2, 3})
}
