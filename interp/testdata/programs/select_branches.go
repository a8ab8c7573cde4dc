package main

import "fmt"

// Branches out of select cases inside loops: continue, labeled continue,
// break (which leaves the select), labeled break and goto.
func main() {
	ch := make(chan int, 3)
	ch <- 1
	ch <- 2
	for k := 0; k < 5; k++ {
		select {
		case v := <-ch:
			fmt.Println("continue: drained", v)
			continue
		default:
		}
		fmt.Println("continue: after select", k)
		break
	}

	ch <- 1
	ch <- 2
outer:
	for k := 0; k < 5; k++ {
		for j := 0; j < 2; j++ {
			select {
			case v := <-ch:
				fmt.Println("continue outer: drained", v, j)
				continue outer
			default:
			}
			fmt.Println("continue outer: after select", k, j)
		}
		break
	}

	ch <- 1
	for k := 0; k < 3; k++ {
		select {
		case v := <-ch:
			if v == 1 {
				break
			}
			fmt.Println("break: not reached")
		default:
			fmt.Println("break: default", k)
		}
		fmt.Println("break: after select", k)
	}

loop:
	for k := 0; k < 3; k++ {
		ch <- k
		select {
		case v := <-ch:
			if v == 1 {
				break loop
			}
			fmt.Println("break loop:", v)
		}
	}

	for k := 0; k < 4; k++ {
		ch <- k
		select {
		case v := <-ch:
			if v%2 == 1 {
				continue
			}
			for j := 0; j < 3; j++ {
				if j == 1 {
					continue
				}
				switch {
				case j == 2:
					break
				}
				fmt.Println("nested:", v, j)
			}
		}
		fmt.Println("nested: after select", k)
	}

	for k := 0; k < 3; k++ {
		ch <- k
		select {
		case v := <-ch:
			if v > 0 {
				goto next
			}
			fmt.Println("goto: first", v)
		}
		fmt.Println("goto: after select", k)
	next:
	}
	fmt.Println("done")
}
