package main

import "fmt"

type Config struct {
	Name  string
	Ports []int
	Meta  map[string]string
	Limit *int
}

func main() {
	lim := 5
	a := Config{Name: "a", Ports: []int{80}, Meta: map[string]string{"k": "v"}, Limit: &lim}
	b := a
	b.Name = "b"
	b.Ports[0] = 8080
	b.Meta["k"] = "changed"
	*b.Limit = 10
	fmt.Println(a.Name, a.Ports, a.Meta["k"], *a.Limit)
	c := a
	c.Ports = append([]int(nil), a.Ports...)
	c.Ports[0] = 1
	fmt.Println(a.Ports[0], c.Ports[0])
}
