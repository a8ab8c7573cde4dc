package main

import "fmt"

func main() {
	src := []int{1, 2, 3, 4, 5}
	dst := make([]int, 3)
	n := copy(dst, src)
	fmt.Println(n, dst)
	copy(src[1:], src)
	fmt.Println(src)
	b := make([]byte, 5)
	copy(b, "hello world")
	fmt.Println(string(b))
	s := make([]int, 2, 10)
	fmt.Println(len(s), cap(s))
	s2 := s[:4]
	fmt.Println(s2)
	full := src[1:3:3]
	fmt.Println(len(full), cap(full))
}
