package main

import (
	"fmt"
	"sync"
)

type Order struct {
	ID    int
	Items int
}

func main() {
	orders := make(chan Order, 5)
	var mu sync.Mutex
	totals := map[int]int{}
	var wg sync.WaitGroup
	for c := 0; c < 3; c++ {
		wg.Add(1)
		go func(consumer int) {
			defer wg.Done()
			for o := range orders {
				mu.Lock()
				totals[o.ID%2] += o.Items
				mu.Unlock()
			}
		}(c)
	}
	for i := 1; i <= 10; i++ {
		orders <- Order{ID: i, Items: i * 2}
	}
	close(orders)
	wg.Wait()
	fmt.Println(totals[0], totals[1])
}
