package runtimes

import "testing"

// A crash of the Go runtime's own code under RLIMIT_AS is told from a
// crash of the user's code (taken from a real child of TestMemoryLimit).
func TestRuntimeFault(t *testing.T) {
	gc := "SIGSEGV: segmentation violation\nPC=0x43cbfd m=3 sigcode=1 addr=0x0\n\n" +
		"goroutine 0 gp=0xeecd1a10e0 m=3 mp=0xeecd1ff008 [idle]:\n" +
		"runtime.(*spanQueue).tryDrain(0x7f8300000400?, 0x43d731?, 0xcd19e3e8?)\n" +
		"\t/usr/local/go/src/runtime/mgcmark_greenteagc.go:520 +0x5d fp=0x7f83de6fdc78 sp=0x7f83de6fdc58 pc=0x43cbfd\n"
	user := "SIGSEGV: segmentation violation\nPC=0x4a1b2c m=0 sigcode=1 addr=0x0\n\n" +
		"goroutine 1 gp=0xc000002380 m=0 mp=0x5a5e40 [running]:\n" +
		"main.deref(...)\n\t/tmp/x/main.go:9\n"
	for _, tc := range []struct{ stderr, want string }{
		{gc, "runtime.(*spanQueue).tryDrain"},
		{user, ""},
		{"fatal error: runtime: out of memory\n\ngoroutine 1 [running]:\nruntime.throw()\n", ""},
		{"", ""},
		{"SIGSEGV: segmentation violation\n", ""},
	} {
		if got := runtimeFault(tc.stderr); got != tc.want {
			t.Errorf("runtimeFault(%.40q...) = %q, want %q", tc.stderr, got, tc.want)
		}
	}
}
