package main

import "fmt"

func main() {
	evens, odds := make(chan int), make(chan int)
	quit := make(chan bool)
	go func() {
		for i := 0; i < 6; i++ {
			if i%2 == 0 {
				evens <- i
			} else {
				odds <- i
			}
		}
		quit <- true
	}()
	sumE, sumO := 0, 0
	for {
		select {
		case v := <-evens:
			sumE += v
		case v := <-odds:
			sumO += v
		case <-quit:
			fmt.Println(sumE, sumO)
			return
		}
	}
}
