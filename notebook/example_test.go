package notebook_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/spinlab/spinlab/notebook"
)

func ExampleNotebook_Write() {
	nb := notebook.New()
	c := notebook.NewCode("fmt.Println(\"hi\")\n")
	c.ID = "cafe0001"
	nb.Cells = append(nb.Cells, c)
	var sb strings.Builder
	if err := nb.Write(&sb); err != nil {
		panic(err)
	}
	out := sb.String()
	fmt.Print(out[:strings.Index(out, ` "metadata": {`+"\n  \"kernelspec\"")])
	// Output:
	// {
	//  "cells": [
	//   {
	//    "cell_type": "code",
	//    "execution_count": null,
	//    "id": "cafe0001",
	//    "metadata": {},
	//    "outputs": [],
	//    "source": [
	//     "fmt.Println(\"hi\")\n"
	//    ]
	//   }
	//  ],
}

func ExampleNotebook_Parameterize() {
	nb := notebook.New()
	params := notebook.NewCode("var workers = 4\nvar mode = \"goroutine\"")
	params.Metadata["tags"] = []any{"parameters"}
	nb.Cells = append(nb.Cells, params, notebook.NewCode("fmt.Println(mode, workers)"))

	var ps []notebook.Param
	for _, arg := range []string{"workers=8", "mode=thread", "trials=3"} {
		p, err := notebook.ParseParam(arg)
		if err != nil {
			panic(err)
		}
		ps = append(ps, p)
	}
	undeclared := nb.Parameterize(ps)
	fmt.Println(nb.Cells[1].Source)
	fmt.Println("undeclared:", undeclared)
	// Output:
	// // Parameters injected by spinlab run.
	// workers = 8
	// mode = "thread"
	// var trials = 3
	// undeclared: [trials]
}

func ExampleRead() {
	f, err := os.Open("testdata/analysis.ipynb")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	nb, err := notebook.Read(f)
	if err != nil {
		panic(err)
	}
	for i, c := range nb.Cells {
		fmt.Printf("%d %s %d outputs\n", i+1, c.Type, len(c.Outputs))
	}
	// Output:
	// 1 markdown 0 outputs
	// 2 code 0 outputs
	// 3 code 3 outputs
	// 4 code 2 outputs
	// 5 code 1 outputs
	// 6 raw 0 outputs
	// 7 code 0 outputs
}
