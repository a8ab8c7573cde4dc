// Deferred calls of closures the same function made: cleanup helpers,
// counters updated on the way out, named results changed by a closure.
package main

import (
	"fmt"
	"strings"
)

func withCleanup(name string) (log string) {
	var b strings.Builder
	cleanup := func() { b.WriteString("cleanup " + name + ";") }
	defer func() { log = b.String() }()
	defer cleanup()
	b.WriteString("work;")
	return ""
}

func counter() (total int) {
	n := 1
	add := func(k int) { n += k; total = n }
	defer add(n + 2)
	n = 10
	return n
}

func viaLiteral() int {
	calls := 0
	note := func() { calls++ }
	defer func() {
		note()
		fmt.Println("calls in defer:", calls)
	}()
	note()
	return calls
}

func loopDefers() {
	for i := range 3 {
		show := func(v int) { fmt.Println("deferred", i, v) }
		defer show(i * 10)
	}
}

func main() {
	fmt.Println(withCleanup("a"))
	fmt.Println("counter:", counter())
	fmt.Println("viaLiteral:", viaLiteral())
	loopDefers()
}
