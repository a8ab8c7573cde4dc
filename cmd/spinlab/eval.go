package main

import (
	"context"
	"flag"

	"github.com/spinlab/spinlab/interp"
	"github.com/spinlab/spinlab/interp/supervisor"
	"github.com/spinlab/spinlab/runtimes"
)

func evalCommand(args []string) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.Usage = usageFunc("eval", `
Eval is the evaluator process: it holds one interpreter session and serves
the kernel that started it over file descriptors 3 and 4. The kernel runs
it; there is no reason to run it by hand.`, fs.PrintDefaults)
	if err := fs.Parse(args); err != nil {
		return helpOrUsage(err)
	}
	return supervisor.ServeEvaluator(context.Background())
}

func workerCommand(args []string) int {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.Usage = usageFunc("worker", `
Worker runs one runtimes.Process worker: it evaluates a snippet in its own
interpreter, sent by the evaluator that started it. The evaluator runs it;
there is no reason to run it by hand.`, fs.PrintDefaults)
	if err := fs.Parse(args); err != nil {
		return helpOrUsage(err)
	}
	return runtimes.WorkerMain(context.Background(), interp.PrepareEvaluator)
}

// helpOrUsage is the exit code after a flag parse error: 0 for -h.
func helpOrUsage(err error) int {
	if err == flag.ErrHelp {
		return 0
	}
	return 2
}
