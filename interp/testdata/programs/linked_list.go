package main

import (
	"container/list"
	"fmt"
	"strings"
)

func main() {
	l := list.New()
	l.PushBack(2)
	l.PushBack(3)
	l.PushFront(1)
	var parts []string
	for e := l.Front(); e != nil; e = e.Next() {
		parts = append(parts, fmt.Sprint(e.Value))
	}
	fmt.Println(strings.Join(parts, " -> "), l.Len())
	l.Remove(l.Front())
	fmt.Println(l.Front().Value, l.Back().Value)
}
