package main

import (
	"fmt"
	"math/bits"
)

func main() {
	x := uint8(0b1011_0010)
	fmt.Printf("%08b %08b %08b\n", x, x<<1, x>>2)
	fmt.Printf("%08b %08b %08b %08b\n", x&0x0F, x|0x0F, x^0xFF, x&^0x30)
	fmt.Println(bits.OnesCount8(x), bits.LeadingZeros32(1), bits.TrailingZeros(8))
	var u uint32 = 1 << 31
	fmt.Println(u, u<<1, int32(u>>1))
	var i8 int8 = 127
	i8++
	fmt.Println(i8)
	fmt.Println(0x10, 0o17, 1_000_000, 'a')
}
