package kernel

import (
	"encoding/json"
	"sync"
	"unicode/utf8"
)

// history is the input (and text output) of the cells run with
// store_history, numbered like IPython's: a session number that grows at
// each restart and the cell's execution count within it.
type history struct {
	mu      sync.Mutex
	session int
	entries []historyEntry
	limit   int // entries
	size    int // bytes of text in entries
}

type historyEntry struct {
	session, line int
	input         string
	output        *string // execute_result text/plain, if any
}

// historyRequest is a history_request's content.
type historyRequest struct {
	Output     bool   `json:"output"`
	Raw        bool   `json:"raw"`
	AccessType string `json:"hist_access_type"`
	Session    int    `json:"session"`
	Start      int    `json:"start"`
	Stop       int    `json:"stop"`
	N          int    `json:"n"`
	Pattern    string `json:"pattern"`
	Unique     bool   `json:"unique"`
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
	h.entries = append(h.entries, historyEntry{h.session, line, input, output})
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
		h.entries = append([]historyEntry(nil), h.entries[drop:]...)
	}
}

func entrySize(e historyEntry) int {
	n := len(e.input)
	if e.output != nil {
		n += len(*e.output)
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

// query answers a history request with the entries as history_reply
// lists them: [session, line, input] or [session, line, [input, output]].
func (h *history) query(r historyRequest) []json.RawMessage {
	h.mu.Lock()
	defer h.mu.Unlock()
	var sel []historyEntry
	switch r.AccessType {
	case "tail":
		sel = lastN(h.entries, r.N)
	case "range":
		s := r.Session
		if s <= 0 {
			s += h.session
		}
		for _, e := range h.entries {
			if e.session == s && e.line >= r.Start && (r.Stop <= 0 || e.line < r.Stop) {
				sel = append(sel, e)
			}
		}
	case "search":
		pattern := r.Pattern
		if pattern == "" {
			pattern = "*"
		}
		for _, e := range h.entries {
			if globMatch(pattern, e.input) {
				sel = append(sel, e)
			}
		}
		if r.Unique {
			// Keep the latest occurrence of each input, in order.
			last := map[string]int{}
			for i, e := range sel {
				last[e.input] = i
			}
			var uniq []historyEntry
			for i, e := range sel {
				if last[e.input] == i {
					uniq = append(uniq, e)
				}
			}
			sel = uniq
		}
		sel = lastN(sel, r.N)
	}
	out := make([]json.RawMessage, 0, len(sel))
	for _, e := range sel {
		var v []any
		if r.Output {
			var o any
			if e.output != nil {
				o = *e.output
			}
			v = []any{e.session, e.line, []any{e.input, o}}
		} else {
			v = []any{e.session, e.line, e.input}
		}
		b, _ := json.Marshal(v)
		out = append(out, b)
	}
	return out
}

// lastN returns the last n entries, or all of them when n <= 0.
func lastN(es []historyEntry, n int) []historyEntry {
	if n <= 0 || n >= len(es) {
		return append([]historyEntry(nil), es...)
	}
	return append([]historyEntry(nil), es[len(es)-n:]...)
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
