package child_test

import (
	"fmt"
	"io"
	"os"

	"github.com/spinlab/spinlab/internal/child"
)

// The parent side: start a child (here this test binary playing an echo
// server), send a frame, read the answer, close the channel and wait.
func Example() {
	exe, _ := os.Executable()
	p, err := child.Start(child.Spec{
		Argv: []string{exe},
		Env:  append(os.Environ(), envRole+"=echo"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	go io.Copy(os.Stdout, p.Stdout) // the child's output is the caller's to read
	go io.Copy(os.Stderr, p.Stderr)

	p.Send(message{Type: "hello", Text: "frames are JSON"})
	var m message
	p.Receive(&m)
	fmt.Println(m.Type, m.Text)

	p.CloseSend() // the echo child exits at end of file
	fmt.Println("exit status", p.Wait().ExitCode())
	p.Close()
	// Output:
	// hello frames are JSON
	// exit status 0
}

// The child side: Open once, early in main, then serve frames.
func ExampleOpen() {
	conn, err := child.Open(0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err) // started by hand, not by Start
		os.Exit(2)
	}
	for {
		var m message
		if err := conn.Receive(&m); err != nil {
			return // io.EOF: the parent is done
		}
		conn.Send(m)
	}
}
