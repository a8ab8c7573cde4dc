package kernel

import "testing"

// SetTestHookAfterHandle makes the shell worker call f after each request
// it handles, until the test ends.
func SetTestHookAfterHandle(t testing.TB, f func()) {
	testHookAfterHandle = f
	t.Cleanup(func() { testHookAfterHandle = nil })
}
