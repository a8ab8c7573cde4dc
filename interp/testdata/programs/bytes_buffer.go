package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

func main() {
	var buf bytes.Buffer
	buf.WriteString("hello ")
	buf.Write([]byte("world"))
	buf.WriteByte('!')
	fmt.Println(buf.String(), buf.Len())
	fmt.Println(bytes.Contains([]byte("seafood"), []byte("foo")))
	fmt.Println(bytes.ToUpper([]byte("abc")))
	r := strings.NewReader("some io.Reader stream")
	data, _ := io.ReadAll(r)
	fmt.Println(len(data), string(data[:4]))
	var sb strings.Builder
	n, _ := io.Copy(&sb, strings.NewReader("copied"))
	fmt.Println(n, sb.String())
	fmt.Println(bytes.Equal([]byte("a"), []byte("a")))
}
