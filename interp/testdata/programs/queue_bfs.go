package main

import "fmt"

func bfs(graph map[string][]string, start string) []string {
	visited := map[string]bool{start: true}
	queue := []string{start}
	var order []string
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		order = append(order, n)
		for _, m := range graph[n] {
			if !visited[m] {
				visited[m] = true
				queue = append(queue, m)
			}
		}
	}
	return order
}

func main() {
	g := map[string][]string{
		"a": {"b", "c"},
		"b": {"d"},
		"c": {"d", "e"},
		"d": {"f"},
	}
	fmt.Println(bfs(g, "a"))
}
