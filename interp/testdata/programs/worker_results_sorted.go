package main

// A worker pool over channels whose output does not depend on scheduling:
// jobs fan out to workers, results (structs with an error field) are
// collected and sorted before printing; a done channel with select, a
// sync.WaitGroup closing the results channel, and a counter under a
// sync.Mutex.

import (
	"errors"
	"fmt"
	"sort"
	"sync"
)

type Job struct {
	ID int
	N  int
}

type Result struct {
	Job    Job
	Square int
	Err    error
}

var errOdd = errors.New("odd input")

type Stats struct {
	mu   sync.Mutex
	done int
	errs int
}

func (s *Stats) Record(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done++
	if err != nil {
		s.errs++
	}
}

func worker(jobs <-chan Job, results chan<- Result, stats *Stats, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		r := Result{Job: j}
		if j.N%7 == 0 {
			r.Err = fmt.Errorf("job %d: %w", j.ID, errOdd)
		} else {
			r.Square = j.N * j.N
		}
		stats.Record(r.Err)
		results <- r
	}
}

func main() {
	jobs := make(chan Job)
	results := make(chan Result, 4)
	stats := &Stats{}
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go worker(jobs, results, stats, &wg)
	}
	go func() {
		for i := 1; i <= 10; i++ {
			jobs <- Job{ID: i, N: i * 3}
		}
		close(jobs)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	var all []Result
	for r := range results {
		all = append(all, r)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Job.ID < all[j].Job.ID })
	for _, r := range all {
		if r.Err != nil {
			fmt.Println(r.Job.ID, "error:", r.Err, errors.Is(r.Err, errOdd))
			continue
		}
		fmt.Printf("%d: %d^2 = %d\n", r.Job.ID, r.Job.N, r.Square)
	}
	fmt.Println("done", stats.done, "errors", stats.errs)

	done := make(chan struct{})
	values := make(chan int)
	go func() {
		defer close(values)
		for i := 0; ; i++ {
			select {
			case values <- i * i:
			case <-done:
				return
			}
		}
	}()
	sum := 0
	for v := range values {
		if v > 50 {
			close(done)
			break
		}
		sum += v
	}
	fmt.Println("sum of squares up to 50:", sum)
}
