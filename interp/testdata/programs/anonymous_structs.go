package main

import "fmt"

func main() {
	pt := struct {
		X, Y int
	}{3, 4}
	fmt.Println(pt.X+pt.Y, pt)
	tests := []struct {
		in   string
		want int
	}{
		{"a", 1},
		{"abc", 3},
		{"", 0},
	}
	for _, tc := range tests {
		fmt.Println(tc.in, len(tc.in) == tc.want)
	}
	var empty struct{}
	set := map[string]struct{}{"x": empty}
	_, ok := set["x"]
	fmt.Println(ok, len(set))
}
