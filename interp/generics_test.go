package interp

import "testing"

// TestGenericsDifferential runs the generic functions of slices, maps and
// cmp, and constraints with ~ and unions, in a session and with go run.
func TestGenericsDifferential(t *testing.T) {
	cases := []goCase{
		{name: "slices", imports: "slices strings", decls: `
type celsius float64
type byLen []string
`, body: `xs := []int{5, 2, 8, 1}
slices.Sort(xs)
fmt.Println(xs, slices.Index(xs, 8), slices.Contains(xs, 3), slices.Max(xs), slices.Min(xs))
i, found := slices.BinarySearch(xs, 5)
fmt.Println(i, found, slices.Equal(xs, []int{1, 2, 5, 8}), slices.Equal(xs, nil))
words := []string{"pear", "fig", "banana"}
slices.SortFunc(words, func(a, b string) int { return len(a) - len(b) })
fmt.Println(words, slices.IsSorted(words))
slices.Reverse(words)
fmt.Println(words, slices.IndexFunc(words, func(s string) bool { return strings.HasPrefix(s, "f") }))
temps := []celsius{21.5, -3, 10}
slices.Sort(temps)
fmt.Println(temps, slices.Max(temps))
fmt.Println(slices.Compact([]int{1, 1, 2, 2, 2, 3}), slices.Insert([]int{1, 4}, 1, 2, 3), slices.Delete([]int{0, 1, 2, 3}, 1, 3))
fmt.Println(slices.Clone([]string{"a"}), slices.Concat([]int{1}, []int{2, 3}), slices.Repeat([]int{7}, 3))
fmt.Println(slices.Compare([]int{1, 2}, []int{1, 3}), slices.ContainsFunc(xs, func(v int) bool { return v > 7 }))
fs := []float64{3, 1, 2}
slices.Sort(fs)
fmt.Println(fs)
ss := []string{"b", "c", "a"}
slices.SortStableFunc(ss, strings.Compare)
fmt.Println(ss)`},
		{name: "maps and iterators", imports: "maps", body: `m := map[string]int{"b": 2, "a": 1, "c": 3}
keys := slices.Sorted(maps.Keys(m))
fmt.Println(keys, slices.Sorted(maps.Values(m)))
c := maps.Clone(m)
fmt.Println(maps.Equal(m, c), len(c))
c["d"] = 4
fmt.Println(maps.Equal(m, c))
xs := []string{"x", "y"}
fmt.Println(slices.Collect(slices.Values(xs)), maps.Collect(slices.All(xs)))
maps.DeleteFunc(c, func(k string, v int) bool { return v%2 == 0 })
fmt.Println(c)`},
		{name: "cmp", imports: "cmp", body: `fmt.Println(cmp.Compare(1, 2), cmp.Compare("b", "a"), cmp.Less(1.5, 2.5), cmp.Or(0, 0, 3, 4), cmp.Or("", "x"))`},
		{name: "constraints", decls: `
type Number interface{ ~int | ~int64 | ~float64 }
func Sum[T Number](xs ...T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}
func Add[T Number](a, b T) T { return a + b }
func MaxOf[T Number](xs []T) T {
	m := xs[0]
	for _, x := range xs[1:] {
		if x > m {
			m = x
		}
	}
	return m
}
type meters float64
`, body: `fmt.Println(Sum(1, 2, 3), Sum(1.5, 2), Add(1, 2), Add(1.5, 2), Add(meters(1), 2))
fmt.Println(MaxOf([]int{3, 9, 2}), MaxOf([]meters{1, 4}), Sum[int64](4, 5))
total := Sum(2.5, 2.5)
fmt.Println(total)`},
	}
	diffGo(t, cases)
}
