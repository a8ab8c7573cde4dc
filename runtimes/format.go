package runtimes

import (
	"fmt"
	"math"
	"time"
)

// durUnit is a time unit chosen to suit a set of durations.
type durUnit struct {
	name string
	size float64 // nanoseconds per unit
}

var durUnits = []durUnit{{"ns", 1}, {"µs", 1e3}, {"ms", 1e6}, {"s", 1e9}}

// unitFor picks the largest unit in which v (nanoseconds) is at least 1.
func unitFor(v float64) durUnit {
	u := durUnits[0]
	for _, c := range durUnits[1:] {
		if math.Abs(v) >= c.size {
			u = c
		}
	}
	return u
}

// formatDuration prints d with three significant digits in a unit chosen
// from its size: 850ns, 12.3µs, 4.56ms, 1.20s.
func formatDuration(d time.Duration) string {
	v := float64(d)
	u := unitFor(v)
	return sig3(v/u.size) + u.name
}

func sig3(x float64) string {
	switch a := math.Abs(x); {
	case a == 0:
		return "0"
	case a >= 100:
		return fmt.Sprintf("%.0f", x)
	case a >= 10:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.2f", x)
	}
}

type byteUnit struct {
	name string
	size float64
}

var byteUnits = []byteUnit{{"B", 1}, {"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}}

func byteUnitFor(v float64) byteUnit {
	u := byteUnits[0]
	for _, c := range byteUnits[1:] {
		if v >= c.size {
			u = c
		}
	}
	return u
}

// formatBytes prints n in B, KiB, MiB or GiB.
func formatBytes(n uint64) string {
	v := float64(n)
	u := byteUnitFor(v)
	if u.size == 1 {
		return fmt.Sprintf("%d B", n)
	}
	return sig3(v/u.size) + " " + u.name
}
