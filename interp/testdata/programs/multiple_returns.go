package main

import (
	"errors"
	"fmt"
)

func divmod(a, b int) (q, r int) {
	q = a / b
	r = a % b
	return
}

func lookup(m map[string]int, k string) (int, error) {
	v, ok := m[k]
	if !ok {
		return 0, errors.New("missing " + k)
	}
	return v, nil
}

func swap(a, b string) (string, string) { return b, a }

func main() {
	q, r := divmod(17, 5)
	fmt.Println(q, r)
	fmt.Println(divmod(-17, 5))
	m := map[string]int{"a": 1}
	if v, err := lookup(m, "a"); err == nil {
		fmt.Println("a =", v)
	}
	if _, err := lookup(m, "z"); err != nil {
		fmt.Println(err)
	}
	fmt.Println(swap("left", "right"))
}
