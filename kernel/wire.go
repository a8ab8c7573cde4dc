package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"
	"time"
)

// ProtocolVersion is the version of the Jupyter messaging protocol that
// the kernel speaks; it goes in every header.
const ProtocolVersion = "5.3"

// delimiter separates the routing identities from the signed message.
var delimiter = []byte("<IDS|MSG>")

// Header is a message header (and, for replies, the parent header).
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message as it travels on a socket.
type Message struct {
	// Identities are the routing frames before <IDS|MSG>: the peer
	// identity on ROUTER sockets, the topic on iopub.
	Identities [][]byte
	Header     Header
	// Parent is the zero Header when the message has no parent.
	Parent   Header
	Metadata map[string]any
	// Content is the message's JSON object.
	Content json.RawMessage
	Buffers [][]byte
}

// DecodeContent unmarshals the message's content into v.
func (m *Message) DecodeContent(v any) error {
	return json.Unmarshal(m.Content, v)
}

// ErrBadSignature is returned by Signer.Decode for a message whose HMAC
// signature is missing or wrong.
var ErrBadSignature = errors.New("bad message signature")

// Signer signs and checks messages with a connection's key. A Signer with
// an empty key neither signs nor checks, as jupyter_client does. It is
// safe for concurrent use.
type Signer struct {
	key  []byte
	hash func() hash.Hash
	// macs holds HMACs keyed with key, reset after use: hmac.New costs
	// two hash states and their allocations per message.
	macs sync.Pool
}

// NewSigner returns a Signer for a signature scheme of the connection
// file ("hmac-sha256", also "hmac-sha1" and "hmac-sha512") and a key.
func NewSigner(scheme, key string) (*Signer, error) {
	var h func() hash.Hash
	switch scheme {
	case "hmac-sha256", "":
		h = sha256.New
	case "hmac-sha512":
		h = sha512.New
	case "hmac-sha1":
		h = sha1.New
	default:
		return nil, fmt.Errorf("unsupported signature_scheme %q: use \"hmac-sha256\"", scheme)
	}
	sg := &Signer{key: []byte(key), hash: h}
	sg.macs.New = func() any { return hmac.New(sg.hash, sg.key) }
	return sg, nil
}

// Signs reports whether the signer has a key.
func (s *Signer) Signs() bool { return len(s.key) > 0 }

// Sign returns the hex HMAC of the four signed frames (header, parent
// header, metadata, content), or nil without a key.
func (s *Signer) Sign(header, parent, metadata, content []byte) []byte {
	if !s.Signs() {
		return nil
	}
	mac := s.macs.Get().(hash.Hash)
	mac.Write(header)
	mac.Write(parent)
	mac.Write(metadata)
	mac.Write(content)
	var buf [sha512.Size]byte
	sum := mac.Sum(buf[:0])
	mac.Reset()
	s.macs.Put(mac)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// Encode returns the frames of m, signed.
func (s *Signer) Encode(m *Message) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	parent := []byte("{}")
	if m.Parent != (Header{}) {
		if parent, err = json.Marshal(m.Parent); err != nil {
			return nil, fmt.Errorf("encode parent header: %w", err)
		}
	}
	metadata := []byte("{}")
	if m.Metadata != nil {
		if metadata, err = json.Marshal(m.Metadata); err != nil {
			return nil, fmt.Errorf("encode metadata: %w", err)
		}
	}
	content := []byte(m.Content)
	if len(content) == 0 {
		content = []byte("{}")
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, delimiter, s.Sign(header, parent, metadata, content), header, parent, metadata, content)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

// Decode parses and checks the frames of a message. It fails with an
// error wrapping ErrBadSignature when the signature is missing or wrong,
// and with a plain error when the frames are malformed.
func (s *Signer) Decode(frames [][]byte) (*Message, error) {
	m, _, err := s.decode(frames)
	return m, err
}

// decode is Decode that also returns the signature, for replay checks.
func (s *Signer) decode(frames [][]byte) (*Message, []byte, error) {
	d := -1
	for i, f := range frames {
		if bytes.Equal(f, delimiter) {
			d = i
			break
		}
	}
	if d < 0 {
		return nil, nil, errors.New("malformed message: no <IDS|MSG> delimiter")
	}
	if len(frames) < d+6 {
		return nil, nil, fmt.Errorf("malformed message: %d frames after <IDS|MSG>, want at least 5", len(frames)-d-1)
	}
	sig, header, parent, metadata, content := frames[d+1], frames[d+2], frames[d+3], frames[d+4], frames[d+5]
	if s.Signs() {
		if len(sig) == 0 {
			return nil, nil, fmt.Errorf("%w: missing", ErrBadSignature)
		}
		if !hmac.Equal(sig, s.Sign(header, parent, metadata, content)) {
			return nil, nil, fmt.Errorf("%w: does not match the key", ErrBadSignature)
		}
	}
	m := &Message{}
	if err := unmarshalObject(header, &m.Header); err != nil {
		return nil, nil, fmt.Errorf("malformed header: %w", err)
	}
	if m.Header.MsgType == "" {
		return nil, nil, errors.New("malformed header: no msg_type")
	}
	if err := unmarshalObject(parent, &m.Parent); err != nil {
		return nil, nil, fmt.Errorf("malformed parent header: %w", err)
	}
	if err := unmarshalObject(metadata, &m.Metadata); err != nil {
		return nil, nil, fmt.Errorf("malformed metadata: %w", err)
	}
	// Content is decoded by its handler; here it need only be an object
	// (json.Valid checks without building a map of it).
	if t := bytes.TrimSpace(content); len(t) == 0 || t[0] != '{' || !json.Valid(t) {
		return nil, nil, errors.New("malformed content: not a JSON object")
	}
	m.Content = bytes.Clone(content)
	for _, id := range frames[:d] {
		m.Identities = append(m.Identities, bytes.Clone(id))
	}
	for _, b := range frames[d+6:] {
		m.Buffers = append(m.Buffers, bytes.Clone(b))
	}
	return m, bytes.Clone(sig), nil
}

// unmarshalObject unmarshals a frame that must hold a JSON object.
func unmarshalObject(b []byte, v any) error {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || t[0] != '{' {
		return errors.New("not a JSON object")
	}
	return json.Unmarshal(t, v)
}

// newID returns a random id formatted like a UUID.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var id [36]byte
	hex.Encode(id[0:8], b[0:4])
	id[8] = '-'
	hex.Encode(id[9:13], b[4:6])
	id[13] = '-'
	hex.Encode(id[14:18], b[6:8])
	id[18] = '-'
	hex.Encode(id[19:23], b[8:10])
	id[23] = '-'
	hex.Encode(id[24:], b[10:])
	return string(id[:])
}

// NewHeader returns a header for a new message of a session.
func NewHeader(session, username, msgType string) Header {
	return Header{
		MsgID:    newID(),
		Session:  session,
		Username: username,
		Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z07:00"),
		MsgType:  msgType,
		Version:  ProtocolVersion,
	}
}

// NewSession returns a random session id.
func NewSession() string { return newID() }
