package main

import "fmt"

func main() {
	fmt.Printf("%d %5d %-5d| %05d\n", 42, 42, 42, 42)
	fmt.Printf("%x %X %o %b %c %U\n", 255, 255, 8, 5, 'G', 'G')
	fmt.Printf("%f %.2f %8.3f %e %g\n", 3.14159, 3.14159, 3.14159, 123456.789, 0.000012)
	fmt.Printf("%s %q %v %10s|%-10s|\n", "go", "go", "go", "right", "left")
	fmt.Printf("%t %v %p\n", true, nil, nil)
	fmt.Printf("%v %v %v\n", []int{1, 2}, map[string]int{"a": 1}, [2]bool{true, false})
	fmt.Printf("%08.3f|%+d|%x\n", -3.5, 7, "hex")
	fmt.Printf("%3c|%-4q|%#x|%#o\n", 'x', 'y', 255, 8)
	fmt.Printf("%d%%\n", 50)
	fmt.Println(fmt.Sprint("a", 1, 2, "b"), fmt.Sprintln("x", 1))
	fmt.Printf("%v %d\n", int64(-1)<<40, uint8(200))
	fmt.Printf("%6.2f%%\n", 12.345)
}
