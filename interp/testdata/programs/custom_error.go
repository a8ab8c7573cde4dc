package main

import (
	"errors"
	"fmt"
)

type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

func parse(s string) error {
	if s == "" {
		return &ParseError{Line: 3, Msg: "empty input"}
	}
	return nil
}

func main() {
	err := parse("")
	fmt.Println(err)
	var pe *ParseError
	if errors.As(err, &pe) {
		fmt.Println("line", pe.Line)
	}
	wrapped := fmt.Errorf("loading: %w", err)
	fmt.Println(wrapped)
	fmt.Println(parse("x") == nil)
}
