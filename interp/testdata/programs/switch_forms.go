package main

import "fmt"

func grade(score int) string {
	switch {
	case score >= 90:
		return "A"
	case score >= 80:
		return "B"
	default:
		return "C"
	}
}

func main() {
	for _, s := range []int{95, 85, 40} {
		fmt.Print(grade(s), " ")
	}
	fmt.Println()
	switch x := 2; x {
	case 1, 2:
		fmt.Println("one or two")
		fallthrough
	case 3:
		fmt.Println("fell into three")
	case 4:
		fmt.Println("four")
	}
	switch c := 'b'; c {
	case 'a':
	case 'b':
		fmt.Println("bee")
	}
}
