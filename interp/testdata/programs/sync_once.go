package main

import (
	"fmt"
	"sync"
)

var (
	once   sync.Once
	config map[string]string
)

func loadConfig() {
	fmt.Println("loading config")
	config = map[string]string{"mode": "fast"}
}

func get(key string) string {
	once.Do(loadConfig)
	return config[key]
}

func main() {
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = get("mode")
		}()
	}
	wg.Wait()
	fmt.Println(get("mode"))
}
