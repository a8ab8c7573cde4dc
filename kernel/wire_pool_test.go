package kernel

import (
	"bytes"
	"regexp"
	"sync"
	"testing"
)

// TestNewIDIsAUUID checks the hand-formatted ids: version 4 UUIDs.
func TestNewIDIsAUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := newID()
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("newID() = %q (seen before: %v)", id, seen[id])
		}
		seen[id] = true
	}
}

// TestSignerReusesHMACs signs from many goroutines with the pooled HMACs;
// every signature must equal a fresh Signer's.
func TestSignerReusesHMACs(t *testing.T) {
	for _, scheme := range []string{"hmac-sha256", "hmac-sha1", "hmac-sha512"} {
		s, _ := NewSigner(scheme, "key")
		fresh := func(c []byte) []byte {
			f, _ := NewSigner(scheme, "key")
			return f.Sign([]byte("h"), []byte("p"), []byte("m"), c)
		}
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 200 {
					c := []byte{byte(g), byte(i)}
					if got, want := s.Sign([]byte("h"), []byte("p"), []byte("m"), c), fresh(c); !bytes.Equal(got, want) {
						t.Errorf("%s: signature %s, want %s", scheme, got, want)
						return
					}
				}
			})
		}
		wg.Wait()
	}
}
