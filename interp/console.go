package interp

import (
	"fmt"
	"strings"
)

// IsExit reports whether code asks to end the session, as exit and quit
// do in IPython: the word alone in the cell (or called, exit()), when
// the session has not given that name a meaning of its own.
func IsExit(defs []Definition, code string) bool {
	word := strings.TrimSuffix(strings.TrimSpace(code), "()")
	if word != "exit" && word != "quit" {
		return false
	}
	for _, d := range defs {
		if d.Kind != kindImport && d.Name == word {
			return false
		}
	}
	return true
}

// resetMessage is what %reset says it did.
func resetMessage(killed int) string {
	switch killed {
	case 0:
		return "The interpreter was reset: every definition and variable is gone; no child processes were running.\n"
	case 1:
		return "The interpreter was reset: every definition and variable is gone; 1 child process was killed.\n"
	}
	return fmt.Sprintf("The interpreter was reset: every definition and variable is gone; %d child processes were killed.\n", killed)
}
