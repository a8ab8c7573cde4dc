package main

import (
	"bufio"
	"fmt"
	"strings"
)

func main() {
	input := "first line\nsecond line\n\nfourth"
	sc := bufio.NewScanner(strings.NewReader(input))
	n := 0
	for sc.Scan() {
		n++
		fmt.Printf("%d: %q\n", n, sc.Text())
	}
	words := bufio.NewScanner(strings.NewReader("count these  words please"))
	words.Split(bufio.ScanWords)
	c := 0
	for words.Scan() {
		c++
	}
	fmt.Println("words:", c)
	var sb strings.Builder
	w := bufio.NewWriter(&sb)
	fmt.Fprintf(w, "buffered %d", 42)
	fmt.Println(sb.Len())
	w.Flush()
	fmt.Println(sb.String())
}
