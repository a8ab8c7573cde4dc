package main

// Variadic functions taking ...any and ...interface{} with values of
// several kinds (struct values with methods, pointers, named non-struct
// types, errors, nil, slices spread with ...), a tiny logger that
// formats key/value pairs, and a variadic function of a named type.

import (
	"errors"
	"fmt"
	"strings"
)

type User struct {
	Name string
	Age  int
}

func (u User) String() string { return u.Name + "(" + fmt.Sprint(u.Age) + ")" }

type Logger struct {
	prefix string
	lines  []string
}

func (l *Logger) Log(msg string, kv ...any) {
	var b strings.Builder
	b.WriteString(l.prefix + msg)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, " %v=%v", kv[i], kv[i+1])
	}
	if len(kv)%2 == 1 {
		fmt.Fprintf(&b, " EXTRA=%v", kv[len(kv)-1])
	}
	l.lines = append(l.lines, b.String())
}

func count(vs ...interface{}) (n int, kinds []string) {
	for _, v := range vs {
		n++
		switch v.(type) {
		case nil:
			kinds = append(kinds, "nil")
		case fmt.Stringer:
			kinds = append(kinds, "stringer")
		case error:
			kinds = append(kinds, "error")
		case int, int64:
			kinds = append(kinds, "int")
		case string:
			kinds = append(kinds, "string")
		default:
			kinds = append(kinds, fmt.Sprintf("%T", v))
		}
	}
	return
}

func joinAll(sep string, parts ...string) string { return strings.Join(parts, sep) }

func maxInt(first int, rest ...int) int {
	for _, r := range rest {
		if r > first {
			first = r
		}
	}
	return first
}

func main() {
	l := &Logger{prefix: "> "}
	u := User{"ann", 30}
	l.Log("login", "user", u, "id", 7)
	l.Log("ptr", "user", &u)
	l.Log("err", "cause", errors.New("boom"), "odd")
	l.Log("none")
	users := []User{{"bo", 20}, {"cy", 41}}
	for _, x := range users {
		l.Log("each", "user", x)
	}
	l.Log("index", "first", users[0], "second", users[1])
	fmt.Println(strings.Join(l.lines, "\n"))

	n, kinds := count(u, &u, errors.New("e"), 3, "s", nil, 2.5, []int{1})
	fmt.Println(n, kinds)
	args := []any{u, 1, "x"}
	n, kinds = count(args...)
	fmt.Println(n, kinds)
	n, _ = count()
	fmt.Println(n)

	fmt.Println(joinAll("-", "a", "b", "c"), joinAll("+"))
	nums := []int{4, 9, 2}
	fmt.Println(maxInt(1), maxInt(1, nums...))
	fmt.Println(fmt.Sprint(u, users), fmt.Sprintln(u, 1))
}
