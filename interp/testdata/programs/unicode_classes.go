package main

import (
	"fmt"
	"strings"
	"unicode"
)

func main() {
	s := "Hello, World 42!"
	var letters, digits, spaces, upper int
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		case unicode.IsDigit(r):
			digits++
		case unicode.IsSpace(r):
			spaces++
		}
	}
	fmt.Println(letters, digits, spaces, upper)
	fmt.Println(strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s))
	fmt.Println(strings.FieldsFunc("a1b2c3", unicode.IsDigit))
}
