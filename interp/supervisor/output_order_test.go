package supervisor_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/interp/supervisor"
	"github.com/spinlab/spinlab/kernel"
)

// What a cell prints keeps its order however it prints it: the session's
// writes (fmt.Println, which go through the stdout ring where there is
// one), writes to os.Stdout's descriptor, a child process's output and
// displays.
func TestOutputKeepsItsOrderAcrossWriters(t *testing.T) {
	s := start(t, supervisor.Options{})
	needExec(t, s)
	const n = 20
	_, out := mustOK(t, s, fmt.Sprintf(`for i := 0; i < %d; i++ {
	fmt.Println("print", i)
	os.Stdout.WriteString(fmt.Sprintf("direct %%d\n", i))
	c := exec.Command("echo", "child", fmt.Sprint(i))
	c.Stdout = os.Stdout
	if err := c.Run(); err != nil {
		panic(err)
	}
	fmt.Fprintln(os.Stdout, "fprint", i)
	if i%%5 == 4 {
		display.Text(fmt.Sprint("display ", i))
	}
	print(fmt.Sprintf("builtin %%d\n", i))
}`, n))
	var want []string
	var text strings.Builder
	for i := range n {
		fmt.Fprintf(&text, "print %d\ndirect %d\nchild %d\nfprint %d\n", i, i, i, i)
		if i%5 == 4 {
			want = append(want, "stdout:"+text.String(), fmt.Sprintf("display:display %d", i))
			text.Reset()
		}
		fmt.Fprintf(&text, "builtin %d\n", i)
	}
	want = append(want, "stdout:"+text.String())
	if got := out.sequence(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("output order\n got %q\nwant %q", got, want)
	}
}

// Every one of 10,000 printed lines arrives, in order, before the cell's
// reply.
func TestTenThousandLinesInOrder(t *testing.T) {
	s := start(t, supervisor.Options{})
	for range 3 {
		_, out := mustOK(t, s, `for i := 0; i < 10000; i++ {
	fmt.Println(i)
}`)
		var want strings.Builder
		for i := range 10000 {
			fmt.Fprintln(&want, i)
		}
		if got := out.stream("stdout"); got != want.String() {
			t.Fatalf("stdout has %d bytes (%d lines), want the %d bytes printed", len(got), strings.Count(got, "\n"), want.Len())
		}
	}
}

// What a cell printed before its evaluator died is all delivered, in
// order, however the evaluator died: text still in the stdout ring or
// in the pipe when the process ends reaches the cell's output.
func TestOutputBeforeTheEvaluatorDies(t *testing.T) {
	var lines strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&lines, "line %d\n", i)
	}
	const print = "for i := 0; i < 2000; i++ {\n\tfmt.Println(\"line\", i)\n}\n"
	for name, tt := range map[string]struct {
		code, want, reason string
		exec               bool
	}{
		"fatal error": {code: print + concurrentMapWrites, want: lines.String(), reason: "concurrent map writes"},
		"SIGKILL":     {code: print + `syscall.Kill(os.Getpid(), syscall.SIGKILL)`, want: lines.String(), reason: "SIGKILL"},
		"os.Exit":     {code: print + `os.Stdout.WriteString("direct\n"); syscall.Exit(3)`, want: lines.String() + "direct\n", reason: "3"},
		"a child's output, then SIGKILL": {
			code:   print + `c := exec.Command("sh", "-c", "echo from-child; kill -9 $PPID"); c.Stdout = os.Stdout; c.Run(); time.Sleep(time.Minute)`,
			want:   lines.String() + "from-child\n",
			reason: "SIGKILL",
			exec:   true,
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := start(t, supervisor.Options{})
			if tt.exec {
				needExec(t, s)
			}
			mustOK(t, s, `import "syscall"`)
			rep, out := run(t, s, tt.code)
			if rep.Status != kernel.StatusError || rep.Error == nil || !strings.Contains(rep.Error.Value, tt.reason) {
				t.Fatalf("reply %s %+v, want an error saying %q", rep.Status, rep.Error, tt.reason)
			}
			if got := out.stream("stdout"); got != tt.want {
				t.Fatalf("stdout has %d bytes, ending %q; want the %d bytes printed", len(got), got[max(0, len(got)-40):], len(tt.want))
			}
		})
	}
}
