package interp

import "testing"

// TestMethodExpressions checks method expressions used as values, in a
// cell after the one declaring their types, against go run: yaegi v0.16.1
// gave them the method's type without the receiver, and storing one
// panicked (reflect.Set: value of type func() int is not assignable).
func TestMethodExpressions(t *testing.T) {
	decls := `type meAcc struct{ total int }

func (a *meAcc) Add(n int)        { a.total += n }
func (a meAcc) Get() int          { return a.total }
func (a meAcc) Sum(ns ...int) int { for _, n := range ns { a.total += n }; return a.total }
func (a *meAcc) Split(d int) (q, r int) { return a.total / d, a.total % d }

func meApply(f func(*meAcc, int), a *meAcc, n int) { f(a, n) }`
	cases := []goCase{
		{name: "value receiver", decls: decls, body: `get := meAcc.Get
fmt.Println(get(meAcc{5}))`},
		{name: "pointer receiver", body: `var a meAcc
add := (*meAcc).Add
add(&a, 3)
meApply((*meAcc).Add, &a, 4)
fmt.Println(a.total)`},
		{name: "value method through a pointer", body: `get := (*meAcc).Get
fmt.Println(get(&meAcc{9}))`},
		{name: "variadic", body: `sum := meAcc.Sum
fmt.Println(sum(meAcc{1}, 2, 3), sum(meAcc{1}, []int{4, 5}...))`},
		{name: "results", body: `split := (*meAcc).Split
q, r := split(&meAcc{17}, 5)
fmt.Println(q, r)`},
		{name: "called in place", body: `fmt.Println(meAcc.Get(meAcc{2}))`},
		{name: "method values", body: `a := &meAcc{}
fs := []func(int){a.Add, a.Add}
for i, f := range fs {
	f(i + 1)
}
fmt.Println(a.Get())`},
	}
	diffGo(t, cases)
}
