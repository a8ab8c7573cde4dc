package runtimes

import (
	"embed"
	"fmt"
	"strconv"
	"strings"
)

// GoProgram is a snippet exported as Go source for the compiled runner:
// what the interpreted runner would use of the session, in a form the Go
// compiler takes. Every piece of source starts with a //line directive
// naming its cell and line, so that compile errors, panics and race
// reports point at the cells.
type GoProgram struct {
	// Imports are the import specs the program needs, as Go source:
	// `"sync"`, `atomic "sync/atomic"`.
	Imports []string `json:"imports,omitempty"`
	// Decls are the session's types, functions (with their methods) and
	// constants that the snippet uses, directly or through each other.
	Decls string `json:"decls,omitempty"`
	// Vars are copies of the session variables that the snippet or Decls
	// name: declared with their Type and set from their Value (JSON) when
	// the program starts, as process mode copies them.
	Vars []Var `json:"vars,omitempty"`
	// Body is the snippet's statements, its final expression apart.
	Body string `json:"body"`
	// Value is the snippet's final expression when it has a value (its
	// workers' Result), else "".
	Value string `json:"value,omitempty"`
	// ValueIsCall says Value is a call, which a benchmark loop can run as
	// a statement.
	ValueIsCall bool `json:"value_is_call,omitempty"`
}

// GoExporter is implemented by a Host that can export a snippet as Go
// source, which the compiled runner needs. The session (package interp)
// implements it.
type GoExporter interface {
	// ExportGo exports the snippet, whose first line is at at, with what
	// it uses of the session. Errors are the snippet's or the session's:
	// a variable that cannot be copied, an import of a package the
	// compiled program cannot have.
	ExportGo(snippet string, at Position) (GoProgram, error)
}

// The harness is the fixed part of every compiled program (see package
// harness); stub.go, which stands in for cell.go, is left out.
//
//go:embed harness/main.go harness/frame.go harness/measure.go harness/sys_linux.go harness/sys_other.go harness/value.go
var harnessFS embed.FS

// programFiles returns the files of the compiled program: the harness and
// the generated cell.go.
func programFiles(p GoProgram) (map[string]string, error) {
	files := map[string]string{"cell.go": cellSource(p)}
	for _, name := range []string{"main.go", "frame.go", "measure.go", "sys_linux.go", "sys_other.go", "value.go"} {
		b, err := harnessFS.ReadFile("harness/" + name)
		if err != nil {
			return nil, fmt.Errorf("compiled runner: the harness is missing %s: %w", name, err)
		}
		// Positions in the harness read as spinlab's, not as a path
		// in the build cache, in panics and race reports.
		files["harness_"+name] = "//line spinlab/harness/" + name + ":1\n" + string(b)
	}
	return files, nil
}

// generatedLine resets positions after a cell's source, so that what the
// generator adds is not blamed on the cell.
const generatedLine = "\n//line spinlab-generated.go:1\n"

// cellSource generates cell.go: the session's imports, declarations and
// variables that the snippet uses, spinlabSetVar to set the variables
// from their copies, the snippet as spinlabSnippet and its body as the
// benchmark loop spinlabBench. Generated names start with "spinlab".
func cellSource(p GoProgram) string {
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n\tspinlabjson \"encoding/json\"\n\tspinlabtesting \"testing\"\n")
	for _, imp := range p.Imports {
		b.WriteString("\t" + imp + "\n")
	}
	b.WriteString(")\n\nvar _ = spinlabjson.Unmarshal\n\nvar _ spinlabtesting.B\n")
	for _, v := range p.Vars {
		fmt.Fprintf(&b, "\nvar %s %s\n", v.Name, v.Type)
	}
	if p.Decls != "" {
		b.WriteString("\n" + p.Decls + "\n")
		b.WriteString(generatedLine)
	}
	b.WriteString("\nfunc spinlabSetVar(name string, data []byte) error {\n\tswitch name {\n")
	for _, v := range p.Vars {
		fmt.Fprintf(&b, "\tcase %s:\n\t\treturn spinlabjson.Unmarshal(data, &%s)\n", strconv.Quote(v.Name), v.Name)
	}
	b.WriteString("\t}\n\treturn nil\n}\n")
	b.WriteString(`
// spinlabValues collects the final expression's values: one value as
// itself, several (a call with more results) as []any.
func spinlabValues(vs ...any) any {
	if len(vs) == 1 {
		return vs[0]
	}
	return vs
}

func spinlabSnippet(worker, workers int) any {
	_, _ = worker, workers
`)
	b.WriteString(p.Body + "\n")
	if p.Value != "" {
		b.WriteString("\treturn spinlabValues(\n" + p.Value + ",\n\t)")
	}
	b.WriteString(generatedLine)
	if p.Value == "" {
		b.WriteString("\treturn nil\n")
	}
	b.WriteString(`}

func spinlabBench(b *spinlabtesting.B) {
	worker, workers := 0, 1
	_, _ = worker, workers
	b.ReportAllocs()
	for b.Loop() {
`)
	b.WriteString(p.Body + "\n")
	switch {
	case p.Value != "" && p.ValueIsCall:
		b.WriteString(p.Value + "\n")
	case p.Value != "":
		b.WriteString("\t_ = \n" + p.Value + "\n")
	}
	b.WriteString(generatedLine)
	b.WriteString("\t}\n}\n")
	return b.String()
}
