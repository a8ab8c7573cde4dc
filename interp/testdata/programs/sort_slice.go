package main

import (
	"fmt"
	"sort"
)

type person struct {
	name string
	age  int
}

func main() {
	people := []person{{"alice", 30}, {"bob", 25}, {"carol", 35}, {"dan", 25}}
	sort.Slice(people, func(i, j int) bool {
		if people[i].age != people[j].age {
			return people[i].age < people[j].age
		}
		return people[i].name < people[j].name
	})
	for _, p := range people {
		fmt.Println(p.name, p.age)
	}
	ints := []int{5, 2, 8, 1}
	sort.Ints(ints)
	fmt.Println(ints, sort.SearchInts(ints, 5))
	fmt.Println(sort.IsSorted(sort.IntSlice(ints)))
}
