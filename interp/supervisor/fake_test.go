package supervisor

import (
	"os"

	"github.com/spinlab/spinlab/internal/child"
)

// FakeEvaluator is an evaluator for tests of what the real one never
// does: it says it is ready, answers requests with empty replies, and
// never finishes a cell nor honours an interrupt.
func FakeEvaluator() int {
	conn, err := child.Open(maxFrame)
	if err != nil {
		return 2
	}
	conn.Send(&frame{Type: typeReady, Ready: &readyBody{PID: os.Getpid()}})
	for {
		f := new(frame)
		if err := conn.Receive(f); err != nil || f.Type == typeShutdown {
			return 0
		}
		switch f.Type {
		case typeExecute, typeInterrupt, typeInputReply:
			// a cell stuck in a call that cannot be interrupted
		default:
			conn.Send(&frame{Type: typeReply, ID: f.ID})
		}
	}
}
