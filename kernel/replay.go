package kernel

import "sync"

// digestSet remembers the signatures of recently accepted messages so that
// a replayed message (same signature) is dropped, as ipykernel's
// digest_history does. It forgets the oldest signature once full.
//
// It grows as signatures arrive instead of being allocated at its full
// size: a map and ring for 16,384 signatures are most of an idle
// kernel's heap (and the garbage collector touches all of it).
type digestSet struct {
	mu   sync.Mutex
	size int
	seen map[string]struct{}
	ring []string // insertion order, for eviction; grows up to size
	next int      // the slot to reuse next, once ring is full
}

func newDigestSet(size int) *digestSet {
	return &digestSet{size: size, seen: map[string]struct{}{}}
}

// add records sig and reports whether it was new.
func (d *digestSet) add(sig []byte) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := string(sig)
	if _, dup := d.seen[s]; dup {
		return false
	}
	d.seen[s] = struct{}{}
	if len(d.ring) < d.size {
		d.ring = append(d.ring, s)
		return true
	}
	delete(d.seen, d.ring[d.next])
	d.ring[d.next] = s
	d.next = (d.next + 1) % d.size
	return true
}
