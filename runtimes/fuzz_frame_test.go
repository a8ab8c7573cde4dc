package runtimes

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/spinlab/spinlab/internal/framing"
)

// lengthPrefixed returns payload behind the worker protocol's 4-byte
// big-endian length, or behind n when n >= 0 (a lying length).
func lengthPrefixed(payload string, n int64) []byte {
	if n < 0 {
		n = int64(len(payload))
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(n))
	return append(b, payload...)
}

// withAttachment returns a frame announcing len(att) attached bytes,
// followed by them.
func withAttachment(head string, att []byte) []byte {
	b := lengthPrefixed(head, -1)
	b = binary.BigEndian.AppendUint32(b, uint32(len(att)))
	return append(b, att...)
}

func mustEncode(f *testing.F, v any) []byte {
	b, err := EncodeValue(v)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzReadFrame feeds the worker protocol's frame reader whatever a
// broken or hostile child could write on fd 4, and what it reads to the
// decoders of a result and of a program. Nothing may panic, and a frame
// it accepts must survive a write/read round trip with its attachment.
// The seeds (here and in testdata/fuzz/FuzzReadFrame) run in plain go test.
func FuzzReadFrame(f *testing.F) {
	value := mustEncode(f, map[string][]float64{"a": {1, 2}})
	prog, err := encodeProgram(Program{Source: "type T struct{ X int }", Snippet: "x", Vars: []Var{{Name: "x", Type: "[]byte", Value: mustEncode(f, []byte("xyz"))}}})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{
		withAttachment(fmt.Sprintf(`{"type":"result","worker":1,"attached":%d}`, len(value)), value),
		withAttachment(fmt.Sprintf(`{"type":"run","attached":%d}`, len(prog)), prog),
		withAttachment(`{"type":"result","attached":3}`, value),                             // fewer announced than sent
		withAttachment(fmt.Sprintf(`{"type":"result","attached":%d}`, len(value)+9), value), // more
		withAttachment(`{"type":"result","attached":-1}`, value),
		append(lengthPrefixed(`{"type":"result","attached":5}`, -1), 0xff, 0xff, 0xff, 0xff), // a lying attachment length
		withAttachment(`{"type":"result","attached":2}`, []byte{1, 77}),
		withAttachment(`{"type":"run","attached":2}`, []byte{1, 0}),
		lengthPrefixed(`{"type":"ready","pid":42}`, -1),
		lengthPrefixed(`{"type":"result","worker":1,"start":1,"end":2,"value":{"a":[1,2]}}`, -1),
		lengthPrefixed(`{"type":"run","program":{"snippet":"1"},"worker":0,"workers":4}`, -1),
		lengthPrefixed(`{"type":"result","error":"boom \u00e9"}`, -1),
		lengthPrefixed(``, -1),
		lengthPrefixed(`null`, -1),
		lengthPrefixed(`[1,2,3]`, -1),
		lengthPrefixed(`{"type":`, -1),
		lengthPrefixed(`{"type":"ready"}`, 3),     // length too short
		lengthPrefixed(`{"type":"ready"}`, 1000),  // length too long
		lengthPrefixed(`{"type":"ready"}`, 1<<20), // a large length, no body
		lengthPrefixed(``, maxFrame+1),            // over the limit
		lengthPrefixed(``, 0xffffffff),
		lengthPrefixed("{\"type\":\"\xff\xfe\"}", -1), // invalid UTF-8
		{0, 0},
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := framing.NewReader(bytes.NewReader(data), maxFrame)
		fr, att, err := readFrame(r.ReadFrame, r.ReadAttachment)
		if err != nil {
			return
		}
		// What the parent and the child do with an attachment.
		_, _ = DecodeValue(att, nil)
		_, _ = decodeProgram(att)
		var buf bytes.Buffer
		if err := framing.NewWriter(&buf).WriteFrameWith(fr, att); err != nil {
			t.Fatalf("a frame that was read does not write back: %v", err)
		}
		r = framing.NewReader(&buf, maxFrame)
		again, att2, err := readFrame(r.ReadFrame, r.ReadAttachment)
		if err != nil {
			t.Fatalf("a frame written back does not read: %v", err)
		}
		a, _ := json.Marshal(fr)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) || !bytes.Equal(att, att2) {
			t.Fatalf("round trip changed the frame:\n%s\n%s", a, b)
		}
	})
}

// TestReadFrameAllocatesWhatArrives sends a frame header that promises
// far more bytes than follow. The reader must fail without allocating
// what the header claims: a child that writes four bad bytes on fd 4
// (user code can reach it) must not make the parent allocate a gigabyte.
func TestReadFrameAllocatesWhatArrives(t *testing.T) {
	const claimed = 256 << 20
	data := lengthPrefixed(`{"type":"ready"}`, claimed)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := framing.NewReader(bytes.NewReader(data), maxFrame)
	if _, _, err := readFrame(r.ReadFrame, r.ReadAttachment); err == nil {
		t.Fatal("a short frame was accepted")
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > claimed/4 {
		t.Errorf("readFrame allocated %d bytes for a %d-byte input whose header claims %d: it trusts the length prefix", got, len(data), claimed)
	}
}
