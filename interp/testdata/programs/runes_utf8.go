package main

import (
	"fmt"
	"unicode/utf8"
)

func main() {
	s := "héllo, 世界"
	fmt.Println(len(s), utf8.RuneCountInString(s))
	for i, r := range s {
		fmt.Printf("%d:%c ", i, r)
	}
	fmt.Println()
	rs := []rune(s)
	fmt.Println(len(rs), string(rs[7:]))
	b := []byte("abc")
	b[0] = 'A'
	fmt.Println(string(b), b)
	r, size := utf8.DecodeRuneInString("世")
	fmt.Println(r, size, string(r))
	fmt.Println(s[1], s[:1])
}
