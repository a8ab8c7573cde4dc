package main

// Generic types with methods and constraints: a Number constraint with ~,
// a generic Stack[T] with pointer-receiver methods, a generic Pair[K, V],
// an ordered Set[T comparable] built on a map, generic functions Map,
// Reduce and MaxOf, and instantiations with named types.

import (
	"cmp"
	"fmt"
	"sort"
	"strings"
)

type Number interface {
	~int | ~int64 | ~float64
}

type Meters float64

type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }
func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}
func (s *Stack[T]) Len() int { return len(s.items) }

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func (p Pair[K, V]) String() string { return fmt.Sprintf("%v=%v", p.Key, p.Val) }

type Set[T cmp.Ordered] struct{ m map[T]struct{} }

func NewSet[T cmp.Ordered](xs ...T) *Set[T] {
	s := &Set[T]{m: map[T]struct{}{}}
	for _, x := range xs {
		s.Add(x)
	}
	return s
}
func (s *Set[T]) Add(x T)      { s.m[x] = struct{}{} }
func (s *Set[T]) Has(x T) bool { _, ok := s.m[x]; return ok }
func (s *Set[T]) Sorted() []T {
	out := make([]T, 0, len(s.m))
	for x := range s.m {
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func Sum[T Number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func Reduce[T, A any](xs []T, init A, f func(A, T) A) A {
	acc := init
	for _, x := range xs {
		acc = f(acc, x)
	}
	return acc
}

func MaxOf[T cmp.Ordered](first T, rest ...T) T {
	m := first
	for _, x := range rest {
		if x > m {
			m = x
		}
	}
	return m
}

func main() {
	var s Stack[string]
	for _, w := range strings.Fields("to be or not") {
		s.Push(w)
	}
	fmt.Println(s.Len())
	for {
		w, ok := s.Pop()
		if !ok {
			break
		}
		fmt.Print(w, " ")
	}
	fmt.Println()

	ns := &Stack[int]{}
	ns.Push(1)
	ns.Push(2)
	v, _ := ns.Pop()
	fmt.Println(v, ns.Len())

	pairs := []Pair[string, int]{{"a", 1}, {"b", 2}}
	for _, p := range pairs {
		fmt.Print(p, " ")
	}
	fmt.Println(pairs[0])
	p := Pair[int, []string]{7, []string{"x"}}
	fmt.Println(p.String())

	set := NewSet(5, 3, 5, 1, 3)
	fmt.Println(set.Sorted(), set.Has(3), set.Has(4))
	words := NewSet("pear", "apple")
	words.Add("fig")
	fmt.Println(words.Sorted())

	fmt.Println(Sum([]int{1, 2, 3}), Sum([]float64{0.5, 0.25}))
	fmt.Println(Sum([]Meters{1.5, 2.5}))
	lens := Map([]string{"go", "rust", "c"}, func(s string) int { return len(s) })
	fmt.Println(lens)
	joined := Reduce([]int{1, 2, 3}, "", func(a string, x int) string { return a + fmt.Sprint(x) })
	fmt.Println(joined)
	fmt.Println(MaxOf(3, 9, 2), MaxOf("b", "a"), MaxOf(1.5))
}
