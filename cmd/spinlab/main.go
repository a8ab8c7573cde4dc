// Command spinlab is a Jupyter kernel for Go, built for concurrency
// experiments. Run `spinlab help` for its subcommands.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one subcommand. run gets the arguments after its name and
// returns the exit code.
type command struct {
	name    string
	args    string // synopsis of the arguments
	summary string
	run     func(args []string) int
	hidden  bool // internal: started by spinlab itself
}

func commands() []command {
	return []command{
		{name: "install", args: "[--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name S]", summary: "install the Jupyter kernelspec", run: installCommand},
		{name: "uninstall", args: "[--user | --sys-prefix | --prefix DIR] [--name NAME]", summary: "remove the Jupyter kernelspec", run: uninstallCommand},
		{name: "kernel", args: "-f CONNECTION_FILE [--log-level LEVEL]", summary: "serve a Jupyter front end (Jupyter starts this)", run: kernelCommand},
		{name: "run", args: "NOTEBOOK", summary: "execute a notebook headless", run: runCommand},
		{name: "version", summary: "print the versions of spinlab, Go and yaegi", run: versionCommand},
		{name: "bench-kernel", args: "[flags] KERNEL...", summary: "measure installed Jupyter kernels side by side", run: benchKernelCommand},
		{name: "eval", summary: "the evaluator process that holds a session (the kernel starts it)", run: evalCommand, hidden: true},
		{name: "worker", summary: "a runtimes.Process worker (the evaluator starts it)", run: workerCommand, hidden: true},
	}
}

func main() {
	os.Exit(dispatch(os.Args[1:]))
}

func dispatch(args []string) int {
	if len(args) == 0 {
		usage(os.Stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := lookup(args[1]); ok {
				return c.run([]string{"--help"})
			}
			fmt.Fprintf(os.Stderr, "spinlab help: unknown command %q\n", args[1])
			return 2
		}
		usage(os.Stdout)
		return 0
	case "-version", "--version":
		return versionCommand(nil)
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(os.Stderr, "spinlab: unknown command %q; run 'spinlab help' for the list\n", name)
		return 2
	}
	return c.run(args[1:])
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage(w io.Writer) {
	fmt.Fprint(w, `spinlab is a Jupyter kernel for Go (interpreted by yaegi) for concurrency experiments.

Usage:
  spinlab COMMAND [flags]

Commands:
`)
	for _, c := range commands() {
		if !c.hidden {
			fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
		}
	}
	fmt.Fprint(w, `
Internal commands, started by spinlab itself:
`)
	for _, c := range commands() {
		if c.hidden {
			fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
		}
	}
	fmt.Fprint(w, `
Run 'spinlab help COMMAND' or 'spinlab COMMAND --help' for a command's flags.

Getting started:
  spinlab install                  # register the kernel with Jupyter
  jupyter console --kernel spinlab # or pick "Go (spinlab)" in Jupyter
`)
}

// usageFunc returns a flag.FlagSet Usage that describes command name.
func usageFunc(name, about string, printDefaults func()) func() {
	return func() {
		c, _ := lookup(name)
		fmt.Fprintf(os.Stderr, "Usage: spinlab %s %s\n\n%s\n", name, c.args, strings.TrimSpace(about))
		fmt.Fprintln(os.Stderr, "\nFlags:")
		printDefaults()
	}
}
