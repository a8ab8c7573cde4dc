package main

// A mix of language corners: goto and fallthrough, complex numbers,
// arrays as values inside structs and closures, an embedded pointer, a
// pointer-receiver method on a slice type, deleting while ranging over a
// map (sorted output), clear, min and max on strings, runes and bytes
// through fmt's verbs, integer corner cases, nil channels in select,
// atomic.Int64 and errors.Join.

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

type grid [2][3]int

type board struct {
	cells grid
	name  string
}

type base struct{ id int }

func (b *base) ID() int { return b.id }

type node struct {
	*base
	label string
}

type stack []int

func (s *stack) push(v int) { *s = append(*s, v) }
func (s *stack) pop() int {
	old := *s
	v := old[len(old)-1]
	*s = old[:len(old)-1]
	return v
}

func classify(n int) string {
	var out []string
	switch {
	case n < 0:
		out = append(out, "negative")
		fallthrough
	case n == 0:
		out = append(out, "small")
	case n > 100:
		out = append(out, "big")
	default:
		out = append(out, "medium")
	}
	return strings.Join(out, "+")
}

func countdown(n int) []int {
	var out []int
loop:
	if n > 0 {
		out = append(out, n)
		n--
		goto loop
	}
	return out
}

func main() {
	fmt.Println(classify(-5), classify(0), classify(50), classify(500))
	fmt.Println(countdown(4))

	c := complex(3, 4)
	fmt.Println(real(c), imag(c), c*c, fmt.Sprintf("%.1f", c))

	b1 := board{name: "a"}
	b1.cells[1][2] = 7
	b2 := b1
	b2.cells[1][2] = 9
	fmt.Println(b1.cells, b2.cells, b1.cells == b2.cells)
	arr := [3]int{1, 2, 3}
	f := func() int { arr[0] = 10; return arr[0] + arr[1] }
	fmt.Println(f(), arr)

	n := node{&base{42}, "x"}
	fmt.Println(n.ID(), n.id, n.label)

	var s stack
	for i := range 4 {
		s.push(i * i)
	}
	fmt.Println(s.pop(), s.pop(), s, len(s))

	m := map[string]int{"a": 1, "b": 2, "c": 3, "d": 4}
	for k, v := range m {
		if v%2 == 0 {
			delete(m, k)
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(keys, len(m))
	clear(m)
	fmt.Println(len(m), m["zz"])

	fmt.Println(min("pear", "apple", "fig"), max(3, 7, 5), min(2.5, 1))
	r := 'é'
	fmt.Printf("%c %U %q %d %x %X % x\n", r, r, r, r, "hé", "hé", "hé")
	fmt.Printf("%e %g %.3g %08.3f|%-6s|%6s|\n", 123456.789, 0.000012, 3.14159, 3.14159, "ab", "cd")
	u, i8 := uint8(200), int8(-128)
	fmt.Println(-7/2, -7%2, 7>>1, -7>>1, u+100, i8/-1, -i8)

	var nilCh chan int
	ready := make(chan int, 1)
	ready <- 5
	select {
	case v := <-nilCh:
		fmt.Println("never", v)
	case v := <-ready:
		fmt.Println("ready", v)
	}

	var total atomic.Int64
	var wg sync.WaitGroup
	for i := 1; i <= 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			total.Add(int64(i))
		}()
	}
	wg.Wait()
	fmt.Println(total.Load())

	err := errors.Join(errors.New("first"), nil, fmt.Errorf("second: %w", errors.New("inner")))
	fmt.Println(err)
	fmt.Println(strings.Count(err.Error(), "\n"))
}
