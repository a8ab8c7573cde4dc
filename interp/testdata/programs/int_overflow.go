package main

import "fmt"

func main() {
	var u8 uint8 = 250
	u8 += 10
	fmt.Println(u8)
	var i16 int16 = -32768
	i16--
	fmt.Println(i16)
	var u uint = 0
	u--
	fmt.Println(u == ^uint(0))
	fmt.Println(-7/2, -7%3, 7%-3, 7>>1, -7>>1)
	x := 1 << 10
	fmt.Println(x, x>>3, int32(x)<<21)
	f := 7.9
	fmt.Println(int(f), int(-f), uint8(int(300)%256))
}
