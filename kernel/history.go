package kernel

import (
	"sync"
	"unicode/utf8"
)

// history is the input (and text output) of the cells run with
// store_history, numbered like IPython's: a session number that grows at
// each restart and the cell's execution count within it.
type history struct {
	mu      sync.Mutex
	session int
	entries []HistoryEntry
	limit   int // entries
	size    int // bytes of text in entries
}

func newHistory(limit int) *history { return &history{session: 1, limit: limit} }

const (
	// historyBytes bounds the text the history keeps: past it the oldest
	// entries go, so that big cells cannot grow the kernel for ever.
	historyBytes = 32 << 20
	// historyEntryBytes bounds one entry's input and output; longer text
	// is kept cut, with a marker.
	historyEntryBytes = 1 << 20
)

func (h *history) add(line int, input string, output *string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	input = clip(input)
	if output != nil {
		o := clip(*output)
		output = &o
	}
	h.entries = append(h.entries, HistoryEntry{Session: h.session, Line: line, Input: input, Output: output})
	h.size += entrySize(h.entries[len(h.entries)-1])
	drop := 0
	if len(h.entries) > h.limit {
		drop = len(h.entries) - h.limit/2
	}
	for i := 0; i < drop; i++ {
		h.size -= entrySize(h.entries[i])
	}
	for drop < len(h.entries)-1 && h.size > historyBytes {
		h.size -= entrySize(h.entries[drop])
		drop++
	}
	if drop > 0 {
		h.entries = append([]HistoryEntry(nil), h.entries[drop:]...)
	}
}

func entrySize(e HistoryEntry) int {
	n := len(e.Input)
	if e.Output != nil {
		n += len(*e.Output)
	}
	return n
}

// clip cuts s to historyEntryBytes, saying so.
func clip(s string) string {
	if len(s) <= historyEntryBytes {
		return s
	}
	cut := historyEntryBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "\n… (cut: the history keeps the first 1 MB of a cell)"
}

// restart starts a new session number.
func (h *history) restart() {
	h.mu.Lock()
	h.session++
	h.mu.Unlock()
}

// query answers a history request with the entries it selects, each to
// be sent with its output when the request asked for output.
func (h *history) query(r HistoryRequest) []HistoryEntry {
	h.mu.Lock()
	defer h.mu.Unlock()
	var sel []HistoryEntry
	switch r.AccessType {
	case "tail":
		sel = lastN(h.entries, r.N)
	case "range":
		s := r.Session
		if s <= 0 {
			s += h.session
		}
		for _, e := range h.entries {
			if e.Session == s && e.Line >= r.Start && (r.Stop <= 0 || e.Line < r.Stop) {
				sel = append(sel, e)
			}
		}
	case "search":
		pattern := r.Pattern
		if pattern == "" {
			pattern = "*"
		}
		for _, e := range h.entries {
			if globMatch(pattern, e.Input) {
				sel = append(sel, e)
			}
		}
		if r.Unique {
			// Keep the latest occurrence of each input, in order.
			last := map[string]int{}
			for i, e := range sel {
				last[e.Input] = i
			}
			var uniq []HistoryEntry
			for i, e := range sel {
				if last[e.Input] == i {
					uniq = append(uniq, e)
				}
			}
			sel = uniq
		}
		sel = lastN(sel, r.N)
	}
	for i := range sel {
		sel[i].withOutput = r.Output
	}
	if sel == nil {
		sel = []HistoryEntry{} // "history": [], never null (jupyter console iterates it)
	}
	return sel
}

// lastN returns the last n entries, or all of them when n <= 0.
func lastN(es []HistoryEntry, n int) []HistoryEntry {
	if n <= 0 || n >= len(es) {
		return append([]HistoryEntry(nil), es...)
	}
	return append([]HistoryEntry(nil), es[len(es)-n:]...)
}

// globMatch matches s against a glob pattern as IPython's history search
// does (sqlite GLOB): * matches any run of characters, newlines included,
// ? any one character; the whole input must match.
func globMatch(pattern, s string) bool {
	p, t := []rune(pattern), []rune(s)
	pi, ti := 0, 0
	star, mark := -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
