package main

import "fmt"

type State int

const (
	Idle State = iota
	Running
	Done
)

var names = [...]string{"idle", "running", "done"}

type event string

func next(s State, e event) (State, error) {
	switch {
	case s == Idle && e == "start":
		return Running, nil
	case s == Running && e == "finish":
		return Done, nil
	case e == "reset":
		return Idle, nil
	}
	return s, fmt.Errorf("bad event %q in state %s", e, names[s])
}

func main() {
	s := Idle
	for _, e := range []event{"start", "start", "finish", "reset"} {
		var err error
		s, err = next(s, e)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(e, "->", names[s])
	}
}
