package supervisor

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"runtime"
	"testing"

	"github.com/spinlab/spinlab/internal/framing"
)

// lengthPrefixed returns payload behind the private channel's 4-byte
// big-endian length, or behind n when n >= 0 (a lying length).
func lengthPrefixed(payload string, n int64) []byte {
	if n < 0 {
		n = int64(len(payload))
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(n))
	return append(b, payload...)
}

// FuzzFrameReader feeds the supervisor's frame reader (the evaluator →
// kernel channel) whatever a corrupt or hostile evaluator could write on
// fd 4: user code runs in that process and can write to the descriptor.
// The reader must never panic, and every frame it accepts must survive a
// write/read round trip. The seeds (here and in
// testdata/fuzz/FuzzFrameReader) run in plain go test.
func FuzzFrameReader(f *testing.F) {
	for _, seed := range [][]byte{
		lengthPrefixed(`{"type":"ready","ready":{"pid":12}}`, -1),
		lengthPrefixed(`{"type":"done","id":3,"sync":2,"done":{"value":{"data":{"text/plain":"42"}},"definitions":[{"kind":"var","name":"x","source":"var x int"}]}}`, -1),
		lengthPrefixed(`{"type":"done","id":4,"done":{"error":{"name":"panic","message":"boom","traceback":["a","b"]}}}`, -1),
		lengthPrefixed(`{"type":"display","sync":1,"display":{"data":{"text/html":"<b>x</b>"},"display_id":"d1","update":true}}`, -1),
		lengthPrefixed(`{"type":"input_request","id":9,"input":{"prompt":"name? ","password":true}}`, -1),
		lengthPrefixed(`{"type":"reply","id":5,"complete":{"code":"fmt.P","cursor":5,"matches":["Println"],"start":4,"end":5}}`, -1),
		lengthPrefixed(`{"type":"reply","id":6,"error":{"name":"x","message":"y"}}`, -1),
		lengthPrefixed(`{"type":"clear","clear":{"wait":true}}`, -1),
		lengthPrefixed(`{"type":"done","done":{"user_expressions":{"a":{"value":{"data":{}}},"b":{"error":{"name":"e","message":"m"}}}}}`, -1),
		lengthPrefixed(`{"type":"done","id":-1}`, -1),
		lengthPrefixed(`{"type":"done","id":18446744073709551616}`, -1),
		lengthPrefixed(`{"type":"display","display":{"data":null}}`, -1),
		lengthPrefixed(`{"type":"ready"}`, 3),
		lengthPrefixed(`{"type":"ready"}`, 1000),
		lengthPrefixed(``, 1<<20),
		lengthPrefixed(``, maxFrame+1),
		lengthPrefixed(``, 0xffffffff),
		lengthPrefixed("{\"type\":\"\xff\"}", -1),
		lengthPrefixed(`null`, -1),
		{1, 2, 3},
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := framing.NewReader(bytes.NewReader(data), maxFrame)
		for range 8 { // a few frames back to back
			got := new(frame)
			if err := fr.ReadFrame(got); err != nil {
				return
			}
			var buf bytes.Buffer
			if err := framing.NewWriter(&buf).WriteFrame(got); err != nil {
				t.Fatalf("a frame that was read does not write back: %v", err)
			}
			again := new(frame)
			if err := framing.NewReader(&buf, maxFrame).ReadFrame(again); err != nil {
				t.Fatalf("a frame written back does not read: %v", err)
			}
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(again)
			if !bytes.Equal(a, b) {
				t.Fatalf("round trip changed the frame:\n%s\n%s", a, b)
			}
		}
	})
}

// TestFrameReaderAllocatesWhatArrives sends a header that promises far
// more bytes than follow: the reader must fail without allocating what
// the header claims (user code in the evaluator can write to fd 4).
func TestFrameReaderAllocatesWhatArrives(t *testing.T) {
	const claimed = 256 << 20
	data := lengthPrefixed(`{"type":"ready"}`, claimed)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := framing.NewReader(bytes.NewReader(data), maxFrame).ReadFrame(new(frame)); err == nil {
		t.Fatal("a short frame was accepted")
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > claimed/4 {
		t.Errorf("ReadFrame allocated %d bytes for a %d-byte input whose header claims %d: it trusts the length prefix", got, len(data), claimed)
	}
}
