package main

import (
	"fmt"
	"time"
)

func main() {
	fast := make(chan string, 1)
	fast <- "ready"
	select {
	case m := <-fast:
		fmt.Println("got", m)
	case <-time.After(time.Second):
		fmt.Println("timeout")
	}
	never := make(chan string)
	select {
	case m := <-never:
		fmt.Println("got", m)
	case <-time.After(20 * time.Millisecond):
		fmt.Println("timeout")
	}
}
