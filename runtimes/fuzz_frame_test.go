package runtimes

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
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

// FuzzReadFrame feeds the worker protocol's frame reader whatever a
// broken or hostile child could write on fd 4. The reader must never
// panic, and a frame it accepts must survive a write/read round trip.
// The seeds (here and in testdata/fuzz/FuzzReadFrame) run in plain go test.
func FuzzReadFrame(f *testing.F) {
	for _, seed := range [][]byte{
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
		fr, err := readFrame(framing.NewReader(bytes.NewReader(data), maxFrame).ReadFrame)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := framing.NewWriter(&buf).WriteFrame(fr); err != nil {
			t.Fatalf("a frame that was read does not write back: %v", err)
		}
		again, err := readFrame(framing.NewReader(&buf, maxFrame).ReadFrame)
		if err != nil {
			t.Fatalf("a frame written back does not read: %v", err)
		}
		a, _ := json.Marshal(fr)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
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
	if _, err := readFrame(framing.NewReader(bytes.NewReader(data), maxFrame).ReadFrame); err == nil {
		t.Fatal("a short frame was accepted")
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > claimed/4 {
		t.Errorf("readFrame allocated %d bytes for a %d-byte input whose header claims %d: it trusts the length prefix", got, len(data), claimed)
	}
}
