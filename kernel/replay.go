package kernel

import "sync"

// digestSet remembers the signatures of recently accepted messages so that
// a replayed message (same signature) is dropped, as ipykernel's
// digest_history does. It forgets the oldest signature once full.
type digestSet struct {
	mu   sync.Mutex
	seen map[string]struct{}
	ring []string // insertion order, for eviction
	next int
}

func newDigestSet(size int) *digestSet {
	return &digestSet{seen: make(map[string]struct{}, size), ring: make([]string, size)}
}

// add records sig and reports whether it was new.
func (d *digestSet) add(sig []byte) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := string(sig)
	if _, dup := d.seen[s]; dup {
		return false
	}
	if old := d.ring[d.next]; old != "" {
		delete(d.seen, old)
	}
	d.ring[d.next] = s
	d.next = (d.next + 1) % len(d.ring)
	d.seen[s] = struct{}{}
	return true
}
