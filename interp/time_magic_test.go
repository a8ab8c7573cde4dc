package interp

import (
	"regexp"
	"testing"
	"time"
)

// TestTimeMagicCountsTheStatementsCPU: %time charges the statement's CPU
// time to user (the process's own rusage, internal/cputime, as runtimes
// reads it for its runs), with total = user + sys, and a wall time. A
// fixed amount of interpreted work costs far more than the threshold
// however loaded the machine is; a reader of the wrong clock (the
// children's) would report nothing.
func TestTimeMagicCountsTheStatementsCPU(t *testing.T) {
	s, out, _ := newTestSession(t)
	mustExec(t, s, "func work() int {\n\tsum := 0\n\tfor i := range 3_000_000 {\n\t\tsum += i % 7\n\t}\n\treturn sum\n}")
	out.Reset()
	if got := text(mustExec(t, s, "%time work()").Value); got != "8999994" {
		t.Errorf("%%time work() = %s, want its value 8999994", got)
	}
	m := regexp.MustCompile(`CPU times: user (\S+), sys (\S+), total (\S+)\nWall time: (\S+)\n`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no CPU and wall times in %q", out.String())
	}
	var d [4]time.Duration
	for i, v := range m[1:] {
		var err error
		if d[i], err = time.ParseDuration(v); err != nil {
			t.Fatalf("%q: %v", v, err)
		}
	}
	user, sys, total, wall := d[0], d[1], d[2], d[3]
	if user < 20*time.Millisecond || wall < 20*time.Millisecond {
		t.Errorf("3M interpreted iterations: user %v, wall %v; want each at least 20ms", user, wall)
	}
	if diff := total - user - sys; diff < -time.Millisecond || diff > time.Millisecond {
		t.Errorf("total %v is not user %v + sys %v (each rounded)", total, user, sys)
	}
}
