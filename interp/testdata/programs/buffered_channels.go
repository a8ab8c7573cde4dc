package main

import "fmt"

func main() {
	ch := make(chan string, 3)
	ch <- "a"
	ch <- "b"
	fmt.Println(len(ch), cap(ch))
	fmt.Println(<-ch, <-ch)
	done := make(chan struct{})
	data := make(chan int)
	go func() {
		defer close(done)
		for v := range data {
			fmt.Println("received", v)
		}
	}()
	for i := 1; i <= 3; i++ {
		data <- i * 10
	}
	close(data)
	<-done
	v, ok := <-data
	fmt.Println(v, ok)
}
