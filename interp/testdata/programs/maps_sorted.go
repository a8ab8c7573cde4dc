package main

import (
	"fmt"
	"sort"
)

func main() {
	ages := map[string]int{"alice": 31, "bob": 27, "carol": 45}
	ages["dave"] = 19
	delete(ages, "bob")
	keys := make([]string, 0, len(ages))
	for k := range ages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%-6s %d\n", k, ages[k])
	}
	if _, ok := ages["bob"]; !ok {
		fmt.Println("bob is gone")
	}
	fmt.Println(len(ages), ages["nobody"])
	fmt.Println(map[string]int{"z": 1, "a": 2})
}
