package interp

import (
	"bytes"
	"context"
	"log"
	"testing"
)

// TestNilTypeLineDropped runs a cell that yaegi cannot type, which makes it
// write "nil type" through the default logger, and checks that a session
// keeps that line out of the default logger's output while other lines
// pass.
func TestNilTypeLineDropped(t *testing.T) {
	s, _, _ := newTestSession(t)
	f, ok := log.Writer().(nilTypeFilter)
	if !ok {
		t.Fatalf("the default logger writes to %T, want the session's nilTypeFilter", log.Writer())
	}
	var buf bytes.Buffer
	log.SetOutput(nilTypeFilter{&buf})
	defer log.SetOutput(f)
	mustExec(t, s, "var a any = 5")
	if _, err := s.Execute(context.Background(), "var m, ok = a.(int)"); err == nil {
		t.Fatal("the cell ran: it no longer makes yaegi log nil type; find another")
	}
	log.Print("kept")
	if got := buf.String(); !bytes.HasSuffix([]byte(got), []byte("kept\n")) || bytes.Contains([]byte(got), []byte("nil type")) {
		t.Errorf("default logger output %q, want only the kept line", got)
	}
}
