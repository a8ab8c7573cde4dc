package main

// Struct values kept in maps and slices and passed to functions taking
// interfaces (a local Priced interface, fmt.Stringer and any): map values
// read by key, slice elements, range variables, struct fields, values
// returned by functions, and updates of map entries through a copy.

import (
	"fmt"
	"sort"
	"strings"
)

type Priced interface{ Price() float64 }

type Item struct {
	Name  string
	Cents int
	Qty   int
}

func (i Item) Price() float64 { return float64(i.Cents) / 100 }
func (i Item) String() string { return fmt.Sprintf("%s x%d @ %.2f", i.Name, i.Qty, i.Price()) }

type Bundle struct {
	Label string
	Items []Item
}

func (b Bundle) Price() float64 {
	sum := 0.0
	for _, it := range b.Items {
		sum += it.Price() * float64(it.Qty)
	}
	return sum * 0.9
}

func cost(p Priced) string { return fmt.Sprintf("%.2f", p.Price()) }

func show(s fmt.Stringer) { fmt.Println("show:", s.String()) }

func record(log *[]string, v any) {
	*log = append(*log, fmt.Sprintf("%v", v))
}

func cheapest(items map[string]Item) Item {
	var keys []string
	for k := range items {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	best := items[keys[0]]
	for _, k := range keys[1:] {
		if items[k].Cents < best.Cents {
			best = items[k]
		}
	}
	return best
}

func main() {
	stock := map[string]Item{
		"apple":  {"apple", 50, 10},
		"pear":   {"pear", 75, 4},
		"banana": {"banana", 25, 12},
	}
	fmt.Println(cost(stock["pear"]))
	show(stock["apple"])
	it := stock["banana"]
	it.Qty--
	stock["banana"] = it
	fmt.Println(stock["banana"])

	var log []string
	record(&log, stock["apple"])
	record(&log, it)
	list := []Item{stock["pear"], stock["apple"]}
	for _, x := range list {
		record(&log, x)
		show(x)
	}
	record(&log, list[0])
	record(&log, cheapest(stock))
	fmt.Println(strings.Join(log, " | "))

	b := Bundle{"fruit", list}
	prices := []Priced{b, list[0], stock["banana"], cheapest(stock)}
	for i, p := range prices {
		fmt.Println(i, cost(p))
	}
	byName := map[string]Priced{"bundle": b, "single": stock["apple"]}
	fmt.Println(cost(byName["bundle"]), cost(byName["single"]))
	fmt.Println(b.Items[1], len(b.Items))
	fmt.Printf("%v\n%+v\n", stock["apple"], b)
}
