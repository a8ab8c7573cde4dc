package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	n := 0
	for range t.C {
		n++
		fmt.Println("tick", n)
		if n == 3 {
			break
		}
	}
	timer := time.NewTimer(time.Hour)
	fmt.Println("stopped:", timer.Stop())
	start := time.Now()
	time.Sleep(10 * time.Millisecond)
	fmt.Println(time.Since(start) >= 10*time.Millisecond)
}
