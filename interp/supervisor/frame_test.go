package supervisor

import (
	"encoding/json"
	"testing"
)

// TestFrameEncoding pins the JSON of the frames that carry MIME bundles
// on the private channel (display events, a done frame's value and user
// expressions, an inspect reply): each golden frame must decode and
// encode back to the same bytes (json.Marshal, as internal/framing
// writes them), so that the kernel and the evaluator keep understanding
// each other, and metadata that is absent stays absent rather than
// becoming null or {}.
func TestFrameEncoding(t *testing.T) {
	for _, golden := range []string{
		`{"type":"display","sync":1,"display":{"data":{"text/html":"\u003cb\u003ex\u003c/b\u003e","text/plain":"x"},"display_id":"d1","update":true}}`,
		`{"type":"display","display":{"data":{"text/plain":"x"},"metadata":{"image/png":{"width":320}}}}`,
		`{"type":"display","display":{"data":{}}}`,
		`{"type":"done","id":3,"sync":2,"done":{"value":{"data":{"text/plain":"42"}}}}`,
		`{"type":"done","id":4,"done":{"value":{"data":{"image/png":"iVBOR","text/plain":"plot"},"metadata":{"image/png":{"height":240,"width":320}}}}}`,
		`{"type":"done","done":{"user_expressions":{"a":{"value":{"data":{"text/plain":"1"}}},"b":{"error":{"name":"e","message":"m"}}}}}`,
		`{"type":"reply","id":7,"inspect":{"code":"","cursor":0,"found":true,"value":{"data":{"text/markdown":"x","text/plain":"x"}}}}`,
	} {
		var f frame
		if err := json.Unmarshal([]byte(golden), &f); err != nil {
			t.Errorf("%s: %v", golden, err)
			continue
		}
		b, err := json.Marshal(&f)
		if err != nil {
			t.Errorf("%s: %v", golden, err)
			continue
		}
		if string(b) != golden {
			t.Errorf("round trip\n got %s\nwant %s", b, golden)
		}
	}
}
