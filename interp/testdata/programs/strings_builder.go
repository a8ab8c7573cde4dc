package main

import (
	"fmt"
	"strings"
)

func main() {
	var b strings.Builder
	for i := 3; i > 0; i-- {
		fmt.Fprintf(&b, "%d...", i)
	}
	b.WriteString("liftoff")
	fmt.Println(b.String(), b.Len())
	s := "The quick brown fox"
	fmt.Println(strings.Fields(s))
	fmt.Println(strings.Split("a,b,c", ","), strings.Join([]string{"x", "y"}, "-"))
	fmt.Println(strings.ToUpper(s), strings.Contains(s, "quick"), strings.Index(s, "brown"))
	fmt.Println(strings.Repeat("ab", 3), strings.ReplaceAll("oink oink", "k", "ky"))
	fmt.Println(strings.TrimSpace("  pad  "), strings.TrimPrefix("prefix-body", "prefix-"))
	fmt.Printf("%q\n", strings.SplitN("a:b:c:d", ":", 2))
	fmt.Println(strings.EqualFold("Go", "GO"), strings.HasSuffix("file.go", ".go"))
	before, after, found := strings.Cut("key=value", "=")
	fmt.Println(before, after, found)
}
