package main

// sync.Once, sync.Mutex and sync.WaitGroup in a typical service struct:
// lazy initialisation run once from many goroutines, a memoising cache
// guarded by a mutex embedded in the struct, a WaitGroup for a batch of
// lookups, and results printed in key order.

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

type Service struct {
	once    sync.Once
	initCnt int
	config  map[string]string

	sync.Mutex
	cache  map[int]int
	misses int
}

func (s *Service) init() {
	s.once.Do(func() {
		s.initCnt++
		s.config = map[string]string{"mode": "fast"}
		s.cache = map[int]int{}
	})
}

func (s *Service) Fib(n int) int {
	s.init()
	s.Lock()
	if v, ok := s.cache[n]; ok {
		s.Unlock()
		return v
	}
	s.misses++
	s.Unlock()
	v := n
	if n > 1 {
		v = s.Fib(n-1) + s.Fib(n-2)
	}
	s.Lock()
	s.cache[n] = v
	s.Unlock()
	return v
}

type SafeCounter struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *SafeCounter) Inc(key string) {
	c.mu.Lock()
	c.m[key]++
	c.mu.Unlock()
}

func (c *SafeCounter) Value(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

func main() {
	s := &Service{}
	var wg sync.WaitGroup
	results := make([]int, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.Fib(i + 10)
		}()
	}
	wg.Wait()
	fmt.Println(results)
	fmt.Println("init ran", s.initCnt, "mode", s.config["mode"], "cached", len(s.cache))

	c := SafeCounter{m: map[string]int{}}
	words := strings.Fields("a b a c b a d a")
	for _, w := range words {
		wg.Add(1)
		go func(w string) {
			defer wg.Done()
			c.Inc(w)
		}(w)
	}
	wg.Wait()
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s=%d ", k, c.Value(k))
	}
	fmt.Println()

	var once sync.Once
	for i := 0; i < 3; i++ {
		once.Do(func() { fmt.Println("only once, at", i) })
	}
	var cached int
	var computeOnce sync.Once
	get := func() int {
		computeOnce.Do(func() { fmt.Println("computing"); cached = 42 })
		return cached
	}
	fmt.Println(get(), get())
}
