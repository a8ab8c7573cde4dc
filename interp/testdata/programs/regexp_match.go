package main

import (
	"fmt"
	"regexp"
)

func main() {
	re := regexp.MustCompile(`(\w+)@(\w+)\.com`)
	s := "mail alice@example.com and bob@test.com"
	fmt.Println(re.MatchString(s))
	fmt.Println(re.FindString(s))
	fmt.Println(re.FindAllString(s, -1))
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		fmt.Println(m[1], m[2])
	}
	fmt.Println(re.ReplaceAllString(s, "<$1 at $2>"))
	digits := regexp.MustCompile(`\d+`)
	fmt.Println(digits.Split("a1b22c333d", -1))
}
