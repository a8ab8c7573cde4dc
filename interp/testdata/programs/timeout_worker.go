package main

import (
	"context"
	"fmt"
	"time"
)

func slow(ctx context.Context, d time.Duration) (string, error) {
	select {
	case <-time.After(d):
		return "done", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	fmt.Println(slow(ctx, time.Millisecond))
	fmt.Println(slow(ctx, time.Hour))
}
