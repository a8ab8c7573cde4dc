//go:build !race

package kernel_test

func raceEnabled() bool { return false }
