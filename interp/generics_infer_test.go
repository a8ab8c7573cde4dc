package interp

import "testing"

// TestGenericInference checks generic calls whose type arguments yaegi
// v0.16.1 could not infer, against go run: through a compiled function
// argument (Map(xs, strconv.Itoa): "undefined type for U"), and through
// the arguments of a generic type (Keys(ps) for ps []Pair[K, V], where ps
// comes from a generic call and the name ps has another type elsewhere in
// the cell: "undefined type for V").
func TestGenericInference(t *testing.T) {
	decls := `type giPair[K comparable, V any] struct {
	Key K
	Val V
}
func giMake[K comparable, V any](m map[K]V, order []K) []giPair[K, V] {
	out := make([]giPair[K, V], 0, len(order))
	for _, k := range order {
		out = append(out, giPair[K, V]{k, m[k]})
	}
	return out
}
func giKeys[K comparable, V any](ps []giPair[K, V]) []K {
	var ks []K
	for _, p := range ps {
		ks = append(ks, p.Key)
	}
	return ks
}
func giMap[T, U any](xs []T, f func(T) U) []U {
	var out []U
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}
func giPairs() {
	ps := giMake(map[string]int{"a": 1, "b": 2}, []string{"b", "a"})
	fmt.Println(giKeys(ps), len(ps))
}
func giStrings() {
	xs := []int{1, 22}
	fmt.Printf("%q %v\n", giMap(xs, strconv.Itoa), giMap([]string{"a", "bb"}, strings.ToUpper))
}`
	cases := []goCase{
		{name: "pairs", imports: "strconv strings", decls: decls, body: "giPairs()"},
		{name: "compiled func", body: "giStrings()"},
	}
	diffGo(t, cases)
}
