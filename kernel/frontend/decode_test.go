package frontend

import (
	"errors"
	"testing"

	"github.com/spinlab/spinlab/kernel"
)

// TestDecode: both modes check the signature and the header; only Strict
// checks that the content is a JSON object.
func TestDecode(t *testing.T) {
	signer, err := kernel.NewSigner("hmac-sha256", "secret")
	if err != nil {
		t.Fatal(err)
	}
	frames := func(content string) [][]byte {
		m := &kernel.Message{Header: kernel.NewHeader("s", "k", "stream"), Content: []byte(content)}
		m.Parent.MsgID = "parent"
		f, err := signer.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	forged := frames(`{"name":"stdout","text":"hi"}`)
	forged[len(forged)-1] = []byte(`{"name":"stdout","text":"forged"}`)
	for _, tc := range []struct {
		name     string
		frames   [][]byte
		lax, str bool // decodes without Strict, with Strict
		sig      bool // fails with ErrBadSignature
	}{
		{"object", frames(`{"name":"stdout","text":"hi"}`), true, true, false},
		{"array content", frames(`[1, 2]`), true, false, false},
		{"forged content", forged, false, false, true},
		{"no delimiter", [][]byte{[]byte("x")}, false, false, false},
		{"too few frames", frames(`{}`)[:4], false, false, false},
	} {
		for _, strict := range []bool{false, true} {
			c := &Client{signer: signer, strict: strict}
			m, err := c.decode(tc.frames)
			want := tc.lax
			if strict {
				want = tc.str
			}
			if (err == nil) != want {
				t.Errorf("%s, strict %v: %v, want success %v", tc.name, strict, err, want)
				continue
			}
			if err != nil && tc.sig != errors.Is(err, kernel.ErrBadSignature) {
				t.Errorf("%s, strict %v: %v, want a bad signature %v", tc.name, strict, err, tc.sig)
			}
			if err == nil && (m.Header.MsgType != "stream" || m.Parent.MsgID != "parent") {
				t.Errorf("%s, strict %v: header %+v parent %+v", tc.name, strict, m.Header, m.Parent)
			}
		}
	}
}
