//go:build race

package kernel_test

func hostileRace() bool { return true }
