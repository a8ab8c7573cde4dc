package main

import (
	"fmt"
	"io"
	"strings"
)

type Reader interface{ Read() string }
type Writer interface{ Write(s string) }
type ReadWriter interface {
	Reader
	Writer
}

type buffer struct{ data []string }

func (b *buffer) Read() string {
	if len(b.data) == 0 {
		return ""
	}
	s := b.data[0]
	b.data = b.data[1:]
	return s
}

func (b *buffer) Write(s string) { b.data = append(b.data, s) }

type upper struct{ r io.Reader }

func (u upper) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	copy(p, strings.ToUpper(string(p[:n])))
	return n, err
}

func main() {
	var rw ReadWriter = &buffer{}
	rw.Write("one")
	rw.Write("two")
	fmt.Println(rw.Read(), rw.Read(), rw.Read() == "")
	var r Reader = rw
	_, isWriter := r.(Writer)
	fmt.Println(isWriter)
	data, _ := io.ReadAll(upper{strings.NewReader("shout")})
	fmt.Println(string(data))
}
