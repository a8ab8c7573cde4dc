package interp_test

import (
	"context"
	"fmt"
	"os"

	"github.com/spinlab/spinlab/interp"
)

func ExampleSession_Execute() {
	s, err := interp.New(interp.Options{Stdout: os.Stdout})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	// Declarations and statements mix; strings is imported for the cell.
	res, _ := s.Execute(ctx, `
words := strings.Fields("go spin go")
func count(ws []string) map[string]int {
	m := map[string]int{}
	for _, w := range ws {
		m[w]++
	}
	return m
}
count(words)`)
	fmt.Println(res.Value.Data["text/plain"])
	for _, d := range res.Definitions {
		fmt.Println(d.Kind, d.Name)
	}
	// A panic is the cell's error; the session keeps its state.
	_, err = s.Execute(ctx, "var m map[string]int\nm[\"x\"] = 1")
	fmt.Println(err)
	res, _ = s.Execute(ctx, "len(words)")
	fmt.Println(res.Value.Data["text/plain"])
	// Output:
	// map[go:2 spin:1]
	// import strings
	// var words
	// func count
	// runtime error: assignment to entry in nil map
	// 3
}
