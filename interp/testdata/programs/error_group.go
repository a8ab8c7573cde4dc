package main

import (
	"errors"
	"fmt"
	"sync"
)

func fetch(id int) (string, error) {
	if id == 3 {
		return "", fmt.Errorf("fetch %d: %w", id, errors.New("unavailable"))
	}
	return fmt.Sprintf("item%d", id), nil
}

func main() {
	ids := []int{1, 2, 3, 4}
	results := make([]string, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = fetch(id)
		}()
	}
	wg.Wait()
	fmt.Println(results)
	fmt.Println(errors.Join(errs...))
}
