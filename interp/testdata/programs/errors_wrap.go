package main

import (
	"errors"
	"fmt"
	"os"
)

var ErrNotFound = errors.New("not found")

func find(key string) error {
	if key == "" {
		return fmt.Errorf("find %q: %w", key, ErrNotFound)
	}
	return nil
}

func main() {
	err := find("")
	fmt.Println(err)
	fmt.Println(errors.Is(err, ErrNotFound))
	fmt.Println(errors.Unwrap(err) == ErrNotFound)
	fmt.Println(find("k") == nil)
	_, err = os.Open("/definitely/not/here")
	fmt.Println(errors.Is(err, os.ErrNotExist))
	joined := errors.Join(errors.New("a"), errors.New("b"))
	fmt.Println(joined)
}
