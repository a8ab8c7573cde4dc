//go:build !spinlabcell

package main

// The generated cell.go (build tag spinlabcell) defines these three; this
// stand-in lets the harness build and be tested on its own.

import "testing"

//go:generate env SPINLAB_UPDATE=1 go test -run TestValueCopyIsCurrent .

func spinlabSnippet(worker, workers int) any { return worker * workers }

func spinlabSetVar(name string, _ []byte) error { return nil }

func spinlabBench(b *testing.B) {
	for b.Loop() {
	}
}
