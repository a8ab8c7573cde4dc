package main

import "fmt"

func main() {
	grid := [][]int{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}
outer:
	for i, row := range grid {
		for j, v := range row {
			if v == 5 {
				fmt.Println("found at", i, j)
				break outer
			}
			if v%2 == 0 {
				continue outer
			}
			fmt.Println("visit", v)
		}
	}
	i := 0
loop:
	if i < 3 {
		fmt.Println("goto", i)
		i++
		goto loop
	}
}
