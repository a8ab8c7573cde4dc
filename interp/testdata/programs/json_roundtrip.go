package main

import (
	"encoding/json"
	"fmt"
)

type Item struct {
	Name  string   `json:"name"`
	Price float64  `json:"price"`
	Tags  []string `json:"tags,omitempty"`
	skip  int
}

func main() {
	items := []Item{{Name: "pen", Price: 1.5}, {Name: "book", Price: 12, Tags: []string{"paper"}}}
	data, err := json.Marshal(items)
	fmt.Println(string(data), err)
	var back []Item
	if err := json.Unmarshal(data, &back); err != nil {
		fmt.Println(err)
	}
	fmt.Println(len(back), back[1].Name, back[1].Tags)
	var generic map[string]any
	json.Unmarshal([]byte(`{"a": 1, "b": [true, "x"]}`), &generic)
	fmt.Println(generic["a"], generic["b"])
	pretty, _ := json.MarshalIndent(map[string]int{"b": 2, "a": 1}, "", "  ")
	fmt.Println(string(pretty))
}
