package main

// errors.Is, errors.As and errors.Unwrap through chains of %w wrapping
// and custom Unwrap methods: custom error structs with pointer receivers,
// a named int error type, sentinel errors, an Is method, errors.Join of
// session types, and functions returning the error interface (nil and
// not nil). (yaegi v0.16.1 showed compiled errors.Is and Unwrap only the
// Error method of a session type, and errors.Join panicked on one.)

import (
	"errors"
	"fmt"
)

var ErrNotFound = errors.New("not found")
var ErrPermission = errors.New("permission denied")

type NotFoundError struct {
	Key string
}

func (e *NotFoundError) Error() string        { return "key " + e.Key + " not found" }
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

type OpError struct {
	Op  string
	Err error
}

func (e *OpError) Error() string { return e.Op + ": " + e.Err.Error() }
func (e *OpError) Unwrap() error { return e.Err }

type Code int

func (c Code) Error() string { return fmt.Sprintf("code %d", int(c)) }

func lookup(m map[string]int, key string) (int, error) {
	v, ok := m[key]
	if !ok {
		return 0, &NotFoundError{key}
	}
	return v, nil
}

func load(m map[string]int, key string) (int, error) {
	v, err := lookup(m, key)
	if err != nil {
		return 0, &OpError{"load", fmt.Errorf("lookup %q: %w", key, err)}
	}
	return v, nil
}

func check(n int) error {
	switch {
	case n < 0:
		return Code(n)
	case n > 100:
		return fmt.Errorf("check %d: %w", n, ErrPermission)
	}
	return nil
}

func main() {
	m := map[string]int{"a": 1}
	for _, k := range []string{"a", "b"} {
		v, err := load(m, k)
		if err != nil {
			fmt.Println("error:", err)
			fmt.Println("is ErrNotFound:", errors.Is(err, ErrNotFound))
			fmt.Println("is ErrPermission:", errors.Is(err, ErrPermission))
			var nf *NotFoundError
			if errors.As(err, &nf) {
				fmt.Println("as *NotFoundError, key", nf.Key)
			}
			var op *OpError
			if errors.As(err, &op) {
				fmt.Println("as *OpError, op", op.Op)
			}
			fmt.Println("unwrapped:", errors.Unwrap(err))
			continue
		}
		fmt.Println("value", v)
	}
	for _, n := range []int{5, -3, 500} {
		err := check(n)
		var c Code
		switch {
		case err == nil:
			fmt.Println(n, "ok")
		case errors.As(err, &c):
			fmt.Println(n, "code", int(c), err)
		case errors.Is(err, ErrPermission):
			fmt.Println(n, "permission:", err)
		}
	}
	joined := errors.Join(ErrNotFound, &OpError{"save", ErrPermission})
	fmt.Println(joined)
	fmt.Println(errors.Is(joined, ErrPermission), errors.Is(joined, ErrNotFound))
	var op *OpError
	fmt.Println(errors.As(joined, &op), op.Op)
	wrapped := fmt.Errorf("outer: %w", fmt.Errorf("middle: %w", Code(7)))
	var c Code
	fmt.Println(wrapped, errors.As(wrapped, &c), c)
	fmt.Println(errors.Unwrap(wrapped), errors.Unwrap(errors.Unwrap(wrapped)))
	fmt.Println(errors.Unwrap(joined) == nil, errors.Unwrap(ErrNotFound) == nil)
	deep := &OpError{"a", &OpError{"b", &NotFoundError{"z"}}}
	fmt.Println(deep, errors.Is(deep, ErrNotFound), errors.Is(deep, ErrPermission))
	fmt.Println(errors.Unwrap(deep), errors.Is(fmt.Errorf("top: %w", deep), ErrNotFound))
	var nf *NotFoundError
	fmt.Println(errors.As(deep, &nf), nf.Key)
}
