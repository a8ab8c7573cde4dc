package main

// The arguments of deferred and go'd print calls are evaluated at the
// statement, and an error variable holding a value of a declared type
// passes through as Go passes it: the session binds the operands before
// the statement (yaegi v0.16.1 once failed with "reflect.Set: value of
// type struct {…} is not assignable to type error" copying the variable).

import (
	"errors"
	"fmt"
	"log"
	"os"
	"sync"
)

type myErr struct{ msg string }

func (e myErr) Error() string { return e.msg }

type code int

func (c code) String() string { return fmt.Sprintf("code-%d", int(c)) }

func f() {
	var err error = myErr{"boom"}
	e2 := errors.New("plain")
	defer fmt.Println("deferred", err, e2)
	fmt.Println("body")
}

func reassigned() {
	var err error = myErr{"first"}
	defer fmt.Printf("printf %v %v\n", err, code(3))
	defer fmt.Println("println", err)
	err = myErr{"second"}
	fmt.Println("now", err)
}

type holder struct{ errs []error }

func unknownTarget() {
	h := &holder{errs: make([]error, 1)}
	h.errs[0] = myErr{"in a slice"}
	first := func() error { return h.errs[0] }
	defer fmt.Println("slice", h.errs[0])
	h.errs[0] = nil
	fmt.Println("first", first())
}

func copied() {
	var err error
	err = myErr{"assigned"}
	kept := err
	show := func(e error) { fmt.Println("show", e) }
	show(kept)
}

func stringers() {
	var s fmt.Stringer = code(7)
	var v any = myErr{"in any"}
	defer fmt.Println("stringers", s, v)
	s = code(8)
	v = nil
	fmt.Println("changed", s, v)
}

func spread() {
	args := []any{"spread", myErr{"x"}}
	defer fmt.Println(args...)
	args = []any{"gone"}
	_ = args
}

func logged() {
	var err error = myErr{"logged"}
	log.SetOutput(os.Stdout)
	log.SetFlags(0)
	defer log.Println("log", err)
	err = nil
}

func inGoroutine() {
	var wg sync.WaitGroup
	var err error = myErr{"from goroutine"}
	wg.Add(1)
	go func(e error) {
		defer wg.Done()
		fmt.Println("go", e)
	}(err)
	wg.Wait()
}

func main() {
	f()
	reassigned()
	unknownTarget()
	copied()
	stringers()
	spread()
	logged()
	inGoroutine()
}
