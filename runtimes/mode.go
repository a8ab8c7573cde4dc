package runtimes

import (
	"fmt"
	"strings"
)

// Mode is a way to run workers: as goroutines, as goroutines that each own
// an OS thread, or as child processes.
type Mode int

const (
	// Goroutine runs each worker as a plain goroutine sharing the
	// session's memory; the Go scheduler multiplexes them onto threads.
	Goroutine Mode = iota
	// Thread runs each worker as a goroutine locked to its own OS thread
	// for its whole life (runtime.LockOSThread without unlock), so the
	// thread exits with the worker.
	Thread
	// Process runs each worker as a `spinlab worker` child process with
	// its own interpreter and a copy of the variables the snippet names.
	Process
)

var allModes = [...]Mode{Goroutine, Thread, Process}

// AllModes returns every mode, in the order results display them.
func AllModes() []Mode { return append([]Mode(nil), allModes[:]...) }

// String returns the mode's name as the %%spin magic spells it.
func (m Mode) String() string {
	switch m {
	case Goroutine:
		return "goroutine"
	case Thread:
		return "thread"
	case Process:
		return "process"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode parses a mode name: goroutine, thread or process (also the
// plurals and the short forms go, os, proc).
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "goroutine", "goroutines", "go", "g":
		return Goroutine, nil
	case "thread", "threads", "os", "t":
		return Thread, nil
	case "process", "processes", "proc", "p":
		return Process, nil
	}
	return 0, fmt.Errorf("unknown mode %q: use goroutine, thread or process", s)
}

// ParseModes parses a comma-separated list of modes, as in
// "goroutine,thread,process".
func ParseModes(s string) ([]Mode, error) {
	var ms []Mode
	for _, f := range strings.Split(s, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		m, err := ParseMode(f)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("no modes in %q: use goroutine, thread or process", s)
	}
	return ms, nil
}

// MarshalText encodes the mode as its name, so JSON and CSV carry names.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText decodes a mode name.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
