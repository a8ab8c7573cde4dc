package main

// sync.OnceValue and sync.OnceValues (Go 1.21): one call of f whatever
// the number of callers, goroutines included, its results on every call,
// and a panic of f repeated on every call (yaegi v0.16.1 cannot
// instantiate the compiled generic functions: they were undefined).

import (
	"errors"
	"fmt"
	"sync"
)

type config struct {
	name  string
	limit int
}

func tryCall(f func() int) (v int, p any) {
	defer func() { p = recover() }()
	return f(), nil
}

func main() {
	loads := 0
	load := sync.OnceValue(func() config {
		loads++
		return config{"prod", 8}
	})
	var wg sync.WaitGroup
	limits := make([]int, 10)
	for i := range limits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			limits[i] = load().limit
		}()
	}
	wg.Wait()
	fmt.Println(load().name, limits, "loads:", loads)

	parse := sync.OnceValues(func() (int, error) {
		loads++
		return 0, errors.New("bad input")
	})
	n, err := parse()
	n2, err2 := parse()
	fmt.Println(n, err, n2, err2, err == err2, "loads:", loads)

	bad := sync.OnceValue(func() int {
		loads++
		panic("no config")
	})
	for range 2 {
		v, p := tryCall(bad)
		fmt.Println(v, p)
	}
	fmt.Println("loads:", loads)

	hello := sync.OnceFunc(func() { fmt.Println("hello once") })
	hello()
	hello()
}
