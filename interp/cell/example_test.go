package cell_test

import (
	"fmt"

	"github.com/spinlab/spinlab/interp/cell"
)

// A cell prepared against a scope in which n is an int variable: the
// range over n becomes a three-clause loop, and fmt, named but not
// imported, is imported for the cell.
func Example() {
	sc, err := cell.NewDeclScope("var n int")
	if err != nil {
		panic(err)
	}
	units, err := cell.Prepare(sc, "for i := range n {\n\tfmt.Println(i)\n}", 1)
	if err != nil {
		panic(err)
	}
	for _, g := range cell.Plan(units) {
		fmt.Print(cell.GroupSource(g, 1))
	}
	// Output:
	// import "fmt"
	//
	// //line _.go:100001:1
	// _spinlabrt.Sync()
	// //line _.go:100001:1
	// for i, _spinlabEnd1 := (n)-(n), n; i < _spinlabEnd1; i++ {
	// 	fmt.Println(i)
	// }
}
