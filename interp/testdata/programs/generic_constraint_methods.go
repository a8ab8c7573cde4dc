package main

import (
	"fmt"
	"strings"
)

type Named interface {
	Name() string
}

type user struct{ first string }

func (u user) Name() string { return strings.ToUpper(u.first) }

type team string

func (t team) Name() string { return "team " + string(t) }

func Names[T Named](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.Name()
	}
	return out
}

func main() {
	fmt.Println(Names([]user{{"ann"}, {"bo"}}))
	fmt.Println(Names([]team{"red", "blue"}))
}
