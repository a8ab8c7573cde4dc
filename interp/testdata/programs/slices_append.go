package main

import "fmt"

func main() {
	var s []int
	for i := 0; i < 10; i++ {
		s = append(s, i*i)
	}
	fmt.Println(s, len(s))
	t := s[2:5]
	t[0] = -1
	fmt.Println(s[2], t, len(t), cap(t) >= 3)
	u := append([]int(nil), s[:3]...)
	u[0] = 99
	fmt.Println(s[0], u)
	s = append(s[:1], s[2:]...)
	fmt.Println(s)
	var nilSlice []string
	fmt.Println(nilSlice == nil, len(nilSlice))
}
