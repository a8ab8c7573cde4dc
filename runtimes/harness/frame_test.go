package main

import (
	"bytes"
	"testing"

	"github.com/spinlab/spinlab/internal/framing"
)

// The harness's frame code is a copy of internal/framing (a compiled
// program cannot import it): frames must cross between the two intact.
func TestFrameRoundTripWithFraming(t *testing.T) {
	sent := &spinlabFrame{Type: "result", Worker: 3, Start: 7, End: 9, Value: []byte(`{"a":[1,2]}`), Error: "é\n"}

	// harness → framing
	var buf bytes.Buffer
	if err := spinlabWriteFrame(&buf, sent); err != nil {
		t.Fatal(err)
	}
	want, err := framing.Encode(sent)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("harness frame %q, framing.Encode %q", buf.Bytes(), want)
	}
	var got spinlabFrame
	if err := framing.Read(&buf, spinlabMaxFrame, &got); err != nil {
		t.Fatal(err)
	}
	if got.Type != sent.Type || got.Worker != 3 || string(got.Value) != `{"a":[1,2]}` || got.Error != sent.Error {
		t.Fatalf("framing.Read got %+v", got)
	}

	// framing → harness
	b, err := framing.Encode(map[string]any{"type": "run", "worker": 2, "workers": 4, "mode": "thread",
		"program": map[string]any{"vars": []map[string]any{{"name": "x", "type": "int", "value": []byte("42")}}}})
	if err != nil {
		t.Fatal(err)
	}
	var run spinlabFrame
	if err := spinlabReadFrame(bytes.NewReader(b), &run); err != nil {
		t.Fatal(err)
	}
	if run.Type != "run" || run.Worker != 2 || run.Workers != 4 || run.Mode != "thread" ||
		run.Program == nil || len(run.Program.Vars) != 1 || string(run.Program.Vars[0].Value) != "42" {
		t.Fatalf("harness read %+v", run)
	}

	// a corrupt length is refused without allocating it
	if err := spinlabReadFrame(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff}), &run); err == nil {
		t.Fatal("an over-long frame was accepted")
	}
}
