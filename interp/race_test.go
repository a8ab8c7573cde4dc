//go:build race

package interp

// raceEnabled reports a -race build: some corpus cells leave an
// interpreted goroutine blocked in compiled code after writing to the
// interpreter's frame, which the race detector reports when the next cell
// runs (see the norace section of the corpus).
const raceEnabled = true
