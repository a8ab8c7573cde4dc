package main

import (
	"fmt"
	"math/big"
)

func factorial(n int64) *big.Int {
	r := big.NewInt(1)
	for i := int64(2); i <= n; i++ {
		r.Mul(r, big.NewInt(i))
	}
	return r
}

func main() {
	fmt.Println(factorial(30))
	a, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	b := big.NewInt(987654321)
	fmt.Println(new(big.Int).Add(a, b), new(big.Int).Mod(a, b))
	fmt.Println(a.Cmp(b), len(factorial(100).String()))
}
