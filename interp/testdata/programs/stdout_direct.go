package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	fmt.Fprintln(os.Stdout, "to stdout")
	io.WriteString(os.Stdout, "via io\n")
	fmt.Fprintf(os.Stdout, "%d-%d\n", 1, 2)
	os.Stdout.WriteString("direct\n")
}
