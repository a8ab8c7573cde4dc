package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func work(ctx context.Context, out chan<- int) error {
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case out <- i:
		}
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan int)
	errc := make(chan error, 1)
	go func() { errc <- work(ctx, out) }()
	for i := 0; i < 5; i++ {
		fmt.Print(<-out, " ")
	}
	fmt.Println()
	cancel()
	err := <-errc
	fmt.Println(err, errors.Is(err, context.Canceled))
	tctx, tcancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer tcancel()
	<-tctx.Done()
	fmt.Println(tctx.Err())
	vctx := context.WithValue(context.Background(), "key", 42)
	fmt.Println(vctx.Value("key"))
}
