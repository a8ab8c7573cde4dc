//go:build !unix

package interp

import "time"

// cpuTimes is not measured on this system.
func cpuTimes() (user, sys time.Duration) { return 0, 0 }
