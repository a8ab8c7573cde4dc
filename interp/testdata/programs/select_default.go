package main

import "fmt"

func trySend(ch chan int, v int) bool {
	select {
	case ch <- v:
		return true
	default:
		return false
	}
}

func main() {
	ch := make(chan int, 2)
	for i := 0; i < 4; i++ {
		fmt.Println(i, trySend(ch, i))
	}
	for {
		select {
		case v := <-ch:
			fmt.Println("drained", v)
			continue
		default:
		}
		break
	}
	var nilCh chan int
	select {
	case <-nilCh:
		fmt.Println("impossible")
	default:
		fmt.Println("nil channel blocks")
	}
}
