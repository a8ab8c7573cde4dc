package main

// Container types with pointer receivers and String methods on pointer
// receivers: an int stack, a ring-buffer queue, a linked list printed
// through *List's String, passed through fmt.Stringer and printed by
// pointer (through String) and by value (its fields, as Go does).

import (
	"fmt"
	"strings"
)

type IntStack struct{ data []int }

func (s *IntStack) Push(v int) { s.data = append(s.data, v) }
func (s *IntStack) Pop() int {
	v := s.data[len(s.data)-1]
	s.data = s.data[:len(s.data)-1]
	return v
}
func (s *IntStack) Empty() bool    { return len(s.data) == 0 }
func (s *IntStack) String() string { return fmt.Sprint("stack", s.data) }

type Queue struct {
	buf        []string
	head, size int
}

func NewQueue(n int) *Queue { return &Queue{buf: make([]string, n)} }

func (q *Queue) Enqueue(s string) bool {
	if q.size == len(q.buf) {
		return false
	}
	q.buf[(q.head+q.size)%len(q.buf)] = s
	q.size++
	return true
}

func (q *Queue) Dequeue() (string, bool) {
	if q.size == 0 {
		return "", false
	}
	s := q.buf[q.head]
	q.head = (q.head + 1) % len(q.buf)
	q.size--
	return s, true
}

func (q *Queue) String() string {
	parts := make([]string, q.size)
	for i := 0; i < q.size; i++ {
		parts[i] = q.buf[(q.head+i)%len(q.buf)]
	}
	return "queue[" + strings.Join(parts, " ") + "]"
}

type node struct {
	val  int
	next *node
}

type List struct {
	head *node
	n    int
}

func (l *List) PushFront(v int) { l.head = &node{v, l.head}; l.n++ }
func (l *List) Reverse() {
	var prev *node
	for cur := l.head; cur != nil; {
		next := cur.next
		cur.next = prev
		prev, cur = cur, next
	}
	l.head = prev
}
func (l *List) String() string {
	var b strings.Builder
	for n := l.head; n != nil; n = n.next {
		if b.Len() > 0 {
			b.WriteString("->")
		}
		fmt.Fprint(&b, n.val)
	}
	return b.String()
}

func describe(s fmt.Stringer) string { return "<" + s.String() + ">" }

func evalRPN(expr string) int {
	var st IntStack
	for _, tok := range strings.Fields(expr) {
		switch tok {
		case "+", "-", "*":
			b, a := st.Pop(), st.Pop()
			switch tok {
			case "+":
				st.Push(a + b)
			case "-":
				st.Push(a - b)
			case "*":
				st.Push(a * b)
			}
		default:
			var n int
			fmt.Sscan(tok, &n)
			st.Push(n)
		}
	}
	return st.Pop()
}

func main() {
	s := &IntStack{}
	for i := 1; i <= 4; i++ {
		s.Push(i * 10)
	}
	fmt.Println(s, s.Pop(), s)
	fmt.Println(describe(s))
	for !s.Empty() {
		fmt.Print(s.Pop(), " ")
	}
	fmt.Println()
	fmt.Println(evalRPN("3 4 + 2 *"), evalRPN("5 1 2 + 4 * + 3 -"))

	q := NewQueue(3)
	for _, w := range []string{"a", "b", "c", "d"} {
		fmt.Println("enqueue", w, q.Enqueue(w))
	}
	fmt.Println(q)
	x, _ := q.Dequeue()
	q.Enqueue("e")
	fmt.Println(x, q, describe(q))

	var l List
	for i := 0; i < 5; i++ {
		l.PushFront(i)
	}
	fmt.Println(&l, l.n)
	l.Reverse()
	fmt.Println(l.String())
	fmt.Printf("%v %s\n", &l, describe(&l))
	var st fmt.Stringer = &l
	fmt.Println(st)
}
