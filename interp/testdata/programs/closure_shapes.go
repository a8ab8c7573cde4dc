package main

// Closures made in loops and select cases, run later or on other
// goroutines: each sees the variables of its own iteration, receive or
// type switch case.

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

type job struct{ id int }

func main() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var got []int
	ch := make(chan int, 10)
	for i := range 5 {
		ch <- i
		select {
		case v := <-ch:
			wg.Add(1)
			go func(k int) int {
				defer wg.Done()
				mu.Lock()
				got = append(got, k*10+v)
				mu.Unlock()
				return k
			}(i)
		}
	}
	wg.Wait()
	sort.Ints(got)
	fmt.Println(got)

	var fs []func() int
	for _, j := range []job{{1}, {2}, {3}} {
		fs = append(fs, func() int { return j.id })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()

	m := map[string]func(int) int{}
	for _, k := range []string{"a", "b"} {
		n := len(k) + 1
		m[k] = func(x int) int { return x * n }
	}
	fmt.Println(m["a"](2), m["b"](3))

	done := make(chan struct{})
	count := 0
	for i := 0; i < 3; i++ {
		time.AfterFunc(time.Duration(i)*time.Millisecond, func() {
			mu.Lock()
			count += i
			c := count
			mu.Unlock()
			if c == 3 {
				close(done)
			}
		})
	}
	<-done
	fmt.Println("count", count)

	res := make([]int, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			func() { res[i] = i * i }()
		}()
	}
	wg.Wait()
	fmt.Println(res)

	var shown []string
	for _, v := range []any{1, 2, errors.New("e3"), "s4"} {
		switch x := v.(type) {
		case int:
			wg.Add(1)
			go func() {
				defer wg.Done()
				mu.Lock()
				shown = append(shown, fmt.Sprint("int ", x))
				mu.Unlock()
			}()
		case error, string:
			wg.Add(1)
			go func() {
				defer wg.Done()
				mu.Lock()
				shown = append(shown, fmt.Sprint("other ", x))
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	sort.Strings(shown)
	fmt.Println(shown)
}
