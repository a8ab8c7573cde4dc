package main

import "fmt"

type Color int

const (
	Red Color = iota
	Green
	Blue
)

func (c Color) String() string {
	switch c {
	case Red:
		return "red"
	case Green:
		return "green"
	}
	return fmt.Sprintf("Color(%d)", int(c))
}

type Temp float64

func (t Temp) String() string { return fmt.Sprintf("%.1f°C", float64(t)) }

func main() {
	fmt.Println(Red, Green, Blue)
	fmt.Printf("%v %s %d\n", Green, Green, Green)
	fmt.Println(Temp(21.55))
	cs := []Color{Blue, Red}
	fmt.Println(cs)
}
