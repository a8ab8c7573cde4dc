package main

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/spinlab/spinlab/internal/framing"
	"github.com/spinlab/spinlab/runtimes"
)

// The harness's frame code is a copy of internal/framing (a compiled
// program cannot import it): frames must cross between the two intact.
func TestFrameRoundTripWithFraming(t *testing.T) {
	sent := &spinlabFrame{Type: "result", Worker: 3, Start: 7, End: 9, Error: "é\n"}

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
	if got.Type != sent.Type || got.Worker != 3 || got.Error != sent.Error {
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

// A result frame with its value attached, as the harness writes it, reads
// back through internal/framing and runtimes' decoder with its Go type:
// the harness's value.go is the same encoder as runtimes'.
func TestResultAttachmentRoundTrip(t *testing.T) {
	for _, v := range []any{42, int64(-7), "é", []byte("raw"), map[string]int{"a": 1}, []float64{1.5, 2}, time.Second, nil} {
		enc, errText := spinlabEncodeValue(v)
		if errText != "" {
			t.Fatal(errText)
		}
		var buf bytes.Buffer
		if err := spinlabWriteFrameWith(&buf, &spinlabFrame{Type: "result"}, enc); err != nil {
			t.Fatal(err)
		}
		r := framing.NewReader(&buf, spinlabMaxFrame)
		var f struct {
			Type     string `json:"type"`
			Attached int    `json:"attached"`
		}
		if err := r.ReadFrame(&f); err != nil {
			t.Fatal(err)
		}
		if v == nil {
			if f.Attached != 0 || buf.Len() != 0 {
				t.Fatalf("nil: attached %d, %d bytes left", f.Attached, buf.Len())
			}
			continue
		}
		att, err := r.ReadAttachment()
		if err != nil || f.Attached != len(att) {
			t.Fatalf("%v: attachment %d bytes (frame says %d): %v", v, len(att), f.Attached, err)
		}
		got, err := runtimes.DecodeValue(att, func(pkg, name string) reflect.Type {
			if pkg == "time" && name == "Duration" {
				return reflect.TypeFor[time.Duration]()
			}
			return nil
		})
		if err != nil || !reflect.DeepEqual(got, v) {
			t.Errorf("%v (%T) came back as %v (%T), %v", v, v, got, got, err)
		}
	}
}
