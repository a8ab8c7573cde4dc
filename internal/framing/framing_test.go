package framing

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	type msg struct {
		Type string `json:"type"`
		N    int    `json:"n"`
	}
	var stream bytes.Buffer
	for i := range 3 {
		b, err := Encode(msg{Type: "x", N: i})
		if err != nil {
			t.Fatal(err)
		}
		stream.Write(b)
	}
	for i := range 3 {
		var m msg
		if err := Read(&stream, 1<<20, &m); err != nil || m.N != i {
			t.Fatalf("frame %d: %+v, %v", i, m, err)
		}
	}
	if err := Read(&stream, 1<<20, new(msg)); err == nil {
		t.Fatal("a read past the last frame succeeded")
	}
}

func TestReadRejects(t *testing.T) {
	prefixed := func(payload string, n uint32) *bytes.Reader {
		return bytes.NewReader(append(binary.BigEndian.AppendUint32(nil, n), payload...))
	}
	var v any
	if err := Read(prefixed("{}", 100), 10, &v); err == nil || !strings.Contains(err.Error(), "over the 10-byte limit") {
		t.Errorf("over the limit: %v", err)
	}
	if err := Read(prefixed("{}", 5), 10, &v); err == nil || !strings.Contains(err.Error(), "short frame") {
		t.Errorf("short frame: %v", err)
	}
	if err := Read(prefixed("{x", 2), 10, &v); err == nil || !strings.Contains(err.Error(), "bad frame") {
		t.Errorf("bad JSON: %v", err)
	}
}

// TestReadAllocatesWhatArrives: a prefix that promises far more bytes
// than follow must not make Read allocate what it promises. Both private
// channels read with Read, and user code can write to either.
func TestReadAllocatesWhatArrives(t *testing.T) {
	const claimed = 256 << 20
	data := append(binary.BigEndian.AppendUint32(nil, claimed), `{"type":"ready"}`...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var v any
	if err := Read(bytes.NewReader(data), 1<<30, &v); err == nil {
		t.Fatal("a short frame was accepted")
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > claimed/4 {
		t.Errorf("Read allocated %d bytes for a %d-byte input whose prefix claims %d", got, len(data), claimed)
	}
}

// TestAttachment: a frame and its attachment arrive together and intact,
// the attachment as raw bytes (no base64); an attachment whose length
// lies is refused without allocating what it claims.
func TestAttachment(t *testing.T) {
	var stream bytes.Buffer
	w := NewWriter(&stream)
	payload := bytes.Repeat([]byte{0, 0xff, 'x'}, 1000)
	if err := w.WriteFrameWith(map[string]int{"attached": len(payload)}, payload); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFrameWith(map[string]int{"n": 2}, nil); err != nil {
		t.Fatal(err)
	}
	if head := len(`{"attached":3000}`) + 4; stream.Len() != head+4+len(payload)+4+len(`{"n":2}`) {
		t.Errorf("stream of %d bytes for a %d-byte attachment: it is not sent raw", stream.Len(), len(payload))
	}
	r := NewReader(&stream, 1<<20)
	var m map[string]int
	if err := r.ReadFrame(&m); err != nil || m["attached"] != len(payload) {
		t.Fatalf("frame %v, %v", m, err)
	}
	got, err := r.ReadAttachment()
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("attachment of %d bytes, %v", len(got), err)
	}
	if err := r.ReadFrame(&m); err != nil || m["n"] != 2 {
		t.Fatalf("next frame %v, %v", m, err)
	}
	if _, err := r.ReadAttachment(); err == nil {
		t.Error("an attachment was read past the end")
	}

	const claimed = 256 << 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	lying := NewReader(bytes.NewReader(binary.BigEndian.AppendUint32(nil, claimed)), 1<<30)
	if _, err := lying.ReadAttachment(); err == nil {
		t.Fatal("a short attachment was accepted")
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > claimed/4 {
		t.Errorf("ReadAttachment allocated %d bytes for an attachment that claims %d", got, claimed)
	}
	if _, err := NewReader(bytes.NewReader(binary.BigEndian.AppendUint32(nil, 11)), 10).ReadAttachment(); err == nil || !strings.Contains(err.Error(), "over the 10-byte limit") {
		t.Errorf("over the limit: %v", err)
	}
}
