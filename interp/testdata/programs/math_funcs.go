package main

import (
	"fmt"
	"math"
)

func main() {
	fmt.Println(math.Sqrt(2), math.Pow(2, 10), math.Abs(-3.2))
	fmt.Println(math.Floor(2.7), math.Ceil(2.1), math.Round(2.5), math.Trunc(-2.7))
	fmt.Println(math.MaxInt64, math.MinInt8, math.MaxUint16)
	fmt.Println(math.Inf(1), math.NaN() == math.NaN(), math.IsNaN(math.NaN()))
	fmt.Printf("%.6f %.6f\n", math.Sin(math.Pi/6), math.Log(math.E))
	fmt.Println(math.Mod(7, 3), math.Max(3, 7), math.Min(3, 7))
	var f32 float32 = 0.1
	fmt.Println(f32, float64(f32) == 0.1)
	fmt.Println(7/2, 7.0/2, -7/2, -7%2)
}
