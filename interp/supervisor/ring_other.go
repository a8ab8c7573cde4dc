//go:build !linux

package supervisor

// newStdoutRing makes no ring where there is no memfd: the evaluator's
// stdout is a pipe, as its stderr is.
func newStdoutRing() (*stdoutRing, error) { return nil, nil }

// openStdoutRing finds no ring: the session writes to fd 1.
func openStdoutRing() (outRing, error) { return nil, nil }
