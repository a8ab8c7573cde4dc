package main

import (
	"fmt"
	"sync"
)

type Cache struct {
	mu   sync.RWMutex
	data map[string]int
	miss int
}

func (c *Cache) Get(k string, compute func(string) int) int {
	c.mu.RLock()
	v, ok := c.data[k]
	c.mu.RUnlock()
	if ok {
		return v
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.data[k]; ok {
		return v
	}
	c.miss++
	v = compute(k)
	c.data[k] = v
	return v
}

func main() {
	c := &Cache{data: map[string]int{}}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Get(fmt.Sprint("k", i%4), func(s string) int { return len(s) * 10 })
		}()
	}
	wg.Wait()
	fmt.Println(c.miss, c.Get("k1", nil), len(c.data))
}
