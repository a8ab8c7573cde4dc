package interp

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestDbg(t *testing.T) {
	s, _ := New(Options{Stdout: os.Stdout})
	for _, c := range []string{
		"got := make([]int, 3)\nvar wg2 sync.WaitGroup\nfor i := range 3 {\n\twg2.Add(1)\n\tgo func() {\n\t\tdefer wg2.Done()\n\t\tgot[i] = i * 10\n\t}()\n}\nwg2.Wait()\ngot",
		"var wg3 sync.WaitGroup\nfor i := 0; i < 3; i++ {\n\twg3.Add(1)\n\tgo func() {\n\t\tdefer wg3.Done()\n\t\tfmt.Println(i)\n\t}()\n}\nwg3.Wait()",
		"var wg4 sync.WaitGroup\nwg4.Add(1)\ngo func() {\n\t\tdefer wg4.Done()\n\t}()\nwg4.Wait()",
		"var wg5 sync.WaitGroup\nwg5.Add(1)\ngo func() {\n\t\twg5.Done()\n\t}()\nwg5.Wait()",
	} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		res, err := s.Execute(ctx, c)
		cancel()
		t.Log(res, err)
	}
}
