package kernel

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestSignerRoundTrip(t *testing.T) {
	for _, key := range []string{"", "secret"} {
		s, err := NewSigner("hmac-sha256", key)
		if err != nil {
			t.Fatal(err)
		}
		m := &Message{
			Identities: [][]byte{[]byte("peer")},
			Header:     NewHeader("sess", "me", "execute_request"),
			Metadata:   map[string]any{"k": "v"},
			Content:    []byte(`{"code":"x"}`),
			Buffers:    [][]byte{[]byte("buf")},
		}
		frames, err := s.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(frames[4]); got != "{}" {
			t.Errorf("empty parent encoded as %s, want {}", got)
		}
		if (len(frames[2]) != 0) != (key != "") {
			t.Errorf("key %q: signature %q", key, frames[2])
		}
		got, err := s.Decode(frames)
		if err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("key %q: round trip\n%+v\nwant\n%+v", key, got, m)
		}
	}
}

func TestSignatureChecks(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", "secret")
	other, _ := NewSigner("hmac-sha256", "other")
	sha512, _ := NewSigner("hmac-sha512", "secret")
	m := &Message{Header: NewHeader("sess", "me", "kernel_info_request")}
	for name, signer := range map[string]*Signer{"other key": other, "other scheme": sha512} {
		frames, _ := signer.Encode(m)
		if _, err := s.Decode(frames); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: err %v, want ErrBadSignature", name, err)
		}
	}
	frames, _ := s.Encode(m)
	frames[1] = bytes.ToUpper(frames[1])
	if _, err := s.Decode(frames); !errors.Is(err, ErrBadSignature) {
		t.Errorf("upper-cased hex: err %v, want ErrBadSignature", err)
	}
	if _, err := NewSigner("hmac-md5", "k"); err == nil {
		t.Error("hmac-md5 accepted")
	}
}

func TestDigestSet(t *testing.T) {
	d := newDigestSet(3)
	for _, s := range []string{"a", "b", "c"} {
		if !d.add([]byte(s)) {
			t.Fatalf("%s not new", s)
		}
	}
	if d.add([]byte("a")) {
		t.Error("a accepted twice")
	}
	d.add([]byte("d")) // evicts a
	if !d.add([]byte("a")) {
		t.Error("a not forgotten after eviction")
	}
	if d.add([]byte("d")) {
		t.Error("d accepted twice")
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "any\nthing", true},
		{"print*", "print x", true},
		{"print*", "x print", false},
		{"*print*", "x print y", true},
		{"p?int", "print", true},
		{"p?int", "pint", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"*.go", "main.go", true},
		{"é*", "été", true},
		{"a*", "b", false},
	} {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

// FuzzDecode checks the frame parser and signature check: no input
// crashes it, a message without the right signature is never accepted,
// and what it accepts encodes back to the same message.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("peer"), []byte(`{"msg_id":"1","msg_type":"execute_request","session":"s","username":"u","date":"2026-01-01T00:00:00Z","version":"5.3"}`),
		[]byte(`{}`), []byte(`{}`), []byte(`{"code":"1+1"}`), true, uint8(255))
	f.Add([]byte(""), []byte(`{"msg_type":"x"}`), []byte(`{"msg_id":"p"}`), []byte(`{"a":[1,2]}`), []byte(`{}`), false, uint8(255))
	f.Add([]byte("id"), []byte(`{"msg_type":"x"}`), []byte(`{}`), []byte(`{}`), []byte(`{}`), true, uint8(3))
	f.Add([]byte("<IDS|MSG>"), []byte(`not json`), []byte(`{}`), []byte(`null`), []byte(`[]`), true, uint8(0))
	signer, _ := NewSigner("hmac-sha256", "fuzz key")
	f.Fuzz(func(t *testing.T, id, header, parent, metadata, content []byte, sign bool, drop uint8) {
		sig := []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
		if sign {
			sig = signer.Sign(header, parent, metadata, content)
		}
		frames := [][]byte{id, delimiter, sig, header, parent, metadata, content}
		if int(drop) < len(frames) {
			frames = append(frames[:drop:drop], frames[drop+1:]...)
		}
		m, err := signer.Decode(frames)
		if err != nil {
			return
		}
		if !sign {
			t.Fatalf("accepted a message with a bad signature: %q", frames)
		}
		again, err := signer.Encode(m)
		if err != nil {
			t.Fatalf("cannot encode an accepted message: %v", err)
		}
		m2, err := signer.Decode(again)
		if err != nil {
			t.Fatalf("re-encoded message rejected: %v\n%q", err, again)
		}
		if m2.Header != m.Header || m2.Parent != m.Parent || !bytes.Equal(m2.Content, m.Content) ||
			!reflect.DeepEqual(m2.Metadata, m.Metadata) || !reflect.DeepEqual(m2.Identities, m.Identities) {
			t.Fatalf("round trip changed the message:\n%+v\n%+v", m, m2)
		}
	})
}

// FuzzParseConnectionInfo checks that the connection-file parser never
// crashes and accepts only what the kernel can bind.
func FuzzParseConnectionInfo(f *testing.F) {
	f.Add([]byte(`{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5,"key":"k","signature_scheme":"hmac-sha256"}`))
	f.Add([]byte(`{"transport":"ipc","ip":"/tmp/k","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5}`))
	f.Add([]byte(`{"transport":"udp"}`))
	f.Add([]byte(`{"shell_port":-1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := ParseConnectionInfo(data)
		if err != nil {
			return
		}
		if err := info.check(); err != nil {
			t.Fatalf("accepted an invalid connection: %v", err)
		}
		for _, ch := range []Channel{Shell, Control, Stdin, IOPub, Heartbeat} {
			if ep := info.Endpoint(ch); ep == "" {
				t.Fatalf("no endpoint for %s", ch)
			}
		}
		if _, err := NewSigner(info.SignatureScheme, info.Key); err != nil {
			t.Fatalf("accepted scheme %q: %v", info.SignatureScheme, err)
		}
	})
}
