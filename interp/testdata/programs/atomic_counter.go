package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	var n int64
	var hits atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				atomic.AddInt64(&n, 1)
			}
			hits.Add(1)
		}()
	}
	wg.Wait()
	fmt.Println(atomic.LoadInt64(&n), hits.Load())
	var flag atomic.Bool
	fmt.Println(flag.CompareAndSwap(false, true), flag.Load())
}
