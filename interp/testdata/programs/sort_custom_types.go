package main

// sort.Sort, sort.Stable and sort.Search on custom types: a named slice
// type implementing sort.Interface, an embedded-slice type overriding
// Less for a different order, sort.Reverse, multi-key ordering with
// sort.SliceStable, and slices.SortFunc with cmp.Compare.

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
)

type Employee struct {
	Name string
	Dept string
	Age  int
}

type byAge []Employee

func (a byAge) Len() int           { return len(a) }
func (a byAge) Swap(i, j int)      { a[i], a[j] = a[j], a[i] }
func (a byAge) Less(i, j int) bool { return a[i].Age < a[j].Age }

type byName struct{ byAge }

func (n byName) Less(i, j int) bool { return n.byAge[i].Name < n.byAge[j].Name }

type Celsius float64

type Temps []Celsius

func (t Temps) Len() int           { return len(t) }
func (t Temps) Swap(i, j int)      { t[i], t[j] = t[j], t[i] }
func (t Temps) Less(i, j int) bool { return t[i] < t[j] }

func names(es []Employee) []string {
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s(%d)", e.Name, e.Age))
	}
	return out
}

func main() {
	staff := []Employee{
		{"Carol", "eng", 41},
		{"alice", "ops", 29},
		{"Bob", "eng", 35},
		{"Dave", "ops", 29},
		{"Eve", "eng", 29},
	}
	sort.Sort(byAge(staff))
	fmt.Println(names(staff))
	sort.Sort(byName{staff})
	fmt.Println(names(staff))
	sort.Sort(sort.Reverse(byAge(staff)))
	fmt.Println(names(staff))
	sort.Stable(byAge(staff))
	fmt.Println(names(staff))
	fmt.Println(sort.IsSorted(byAge(staff)))

	sort.SliceStable(staff, func(i, j int) bool {
		if staff[i].Dept != staff[j].Dept {
			return staff[i].Dept < staff[j].Dept
		}
		return staff[i].Age > staff[j].Age
	})
	for _, e := range staff {
		fmt.Printf("%-4s %-6s %d\n", e.Dept, e.Name, e.Age)
	}

	ts := Temps{21.5, -3, 37, 0, 12.25}
	sort.Sort(ts)
	fmt.Println(ts)
	i := sort.Search(len(ts), func(i int) bool { return ts[i] >= 12 })
	fmt.Println("first >= 12 at", i, ts[i])

	slices.SortFunc(staff, func(a, b Employee) int {
		return cmp.Or(cmp.Compare(a.Age, b.Age), cmp.Compare(a.Name, b.Name))
	})
	fmt.Println(names(staff))
	idx, found := slices.BinarySearchFunc(staff, 35, func(e Employee, age int) int { return cmp.Compare(e.Age, age) })
	fmt.Println(idx, found)

	words := []string{"banana", "Apple", "cherry", "apple"}
	sort.Strings(words)
	fmt.Println(words, sort.SearchStrings(words, "banana"))
}
