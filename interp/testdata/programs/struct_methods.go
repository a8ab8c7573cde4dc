package main

import (
	"fmt"
	"math"
)

type Point struct{ X, Y float64 }

func (p Point) Dist(q Point) float64 { return math.Hypot(q.X-p.X, q.Y-p.Y) }

func (p *Point) Scale(f float64) {
	p.X *= f
	p.Y *= f
}

type Path []Point

func (path Path) Length() float64 {
	sum := 0.0
	for i := 1; i < len(path); i++ {
		sum += path[i-1].Dist(path[i])
	}
	return sum
}

func main() {
	p := Point{1, 2}
	q := Point{4, 6}
	fmt.Println(p.Dist(q))
	p.Scale(2)
	fmt.Println(p.X, p.Y)
	perim := Path{{1, 1}, {5, 1}, {5, 4}, {1, 1}}
	fmt.Println(perim.Length())
}
