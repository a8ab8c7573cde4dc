package interp

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/spinlab/spinlab/runtimes"
)

// TestProcessResultsKeepTheirTypes: what a child's snippet returns
// reaches the parent with the Go type it had; JSON made every number a
// float64, a []byte a base64 string and a struct a map. The variables the
// snippet names go the other way and keep their types too.
func TestProcessResultsKeepTheirTypes(t *testing.T) {
	t.Setenv(runtimes.EnvWorkerBin, workerBinary(t))
	s, _, _ := newTestSession(t)
	runtimes.SetDefault(s.Lab())
	defer runtimes.SetDefault(nil)
	mustExec(t, s, `type point struct{ X, Y int }
blob := []byte("raw\x00\xff")
wait := 1500 * time.Millisecond
counts := map[string]int{"a": 1}
xs := []float64{0.5, 2}
pt := point{3, 4}`)
	for _, tc := range []struct {
		snippet string
		want    any
	}{
		{"7000000", 7000000},
		{"int64(1) << 60", int64(1) << 60},
		{"uint8(200)", uint8(200)},
		{"blob", []byte("raw\x00\xff")},
		{`"s" + string(blob[:3])`, "sraw"},
		{"wait * 2", 3 * time.Second},
		{"counts", map[string]int{"a": 1}},
		{"xs", []float64{0.5, 2}},
		{"[]time.Duration{wait}", []time.Duration{1500 * time.Millisecond}},
		{"time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC).Month()", time.December},
		{`[]any{1, "two", nil}`, []any{1, "two", nil}},
	} {
		r := runtimes.Processes(1, tc.snippet)
		if r.Err != nil {
			t.Errorf("%s: %v", tc.snippet, r.Err)
			continue
		}
		if r.Workers[0].Error != "" {
			t.Errorf("%s: %s", tc.snippet, r.Workers[0].Error)
			continue
		}
		got := r.Workers[0].Result
		if reflect.TypeOf(got) != reflect.TypeOf(tc.want) || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s came back as %T %v, want %T %v", tc.snippet, got, got, tc.want, tc.want)
		}
	}

	// A type declared in a cell has no name outside the interpreter: it
	// comes back as a struct with the same fields, printed the same.
	r := runtimes.Processes(1, "pt")
	if r.Err != nil || r.Workers[0].Error != "" {
		t.Fatal(r.Err, r.Workers[0].Error)
	}
	got := r.Workers[0].Result
	if rt := reflect.TypeOf(got); rt == nil || rt.Kind() != reflect.Struct || fmt.Sprintf("%+v", got) != "{X:3 Y:4}" {
		t.Errorf("pt came back as %T %+v", got, got)
	}
	// and reaches a child as the child's own point
	r = runtimes.Processes(1, "pt.X + pt.Y")
	if r.Err != nil || r.Workers[0].Error != "" || r.Workers[0].Result != 7 {
		t.Errorf("pt in the child: %v %v %s", r.Err, r.Workers[0].Result, r.Workers[0].Error)
	}
}

// TestProcessBytesTravelRaw: a 1 MiB []byte goes to the child, and comes
// back, as about 1 MiB on the wire; as JSON it was 1.4 MB of base64
// inside a Var, itself base64 again in the frame (1.86 MB).
func TestProcessBytesTravelRaw(t *testing.T) {
	t.Setenv(runtimes.EnvWorkerBin, workerBinary(t))
	s, _, _ := newTestSession(t)
	runtimes.SetDefault(s.Lab())
	defer runtimes.SetDefault(nil)
	mustExec(t, s, `payload := make([]byte, 1<<20)
for i := range payload { payload[i] = byte(i) }`)
	r := runtimes.Processes(1, "payload")
	if r.Err != nil || r.Workers[0].Error != "" {
		t.Fatal(r.Err, r.Workers[0].Error)
	}
	w := r.Workers[0]
	if r.CopyBytes < 1<<20 || r.CopyBytes > 1<<20+4096 {
		t.Errorf("the program with a 1 MiB []byte is %d bytes on the wire", r.CopyBytes)
	}
	if w.ResultBytes < 1<<20 || w.ResultBytes > 1<<20+64 {
		t.Errorf("a 1 MiB []byte result is %d bytes on the wire", w.ResultBytes)
	}
	b, ok := w.Result.([]byte)
	if !ok || len(b) != 1<<20 || b[1000] != byte(1000%256) {
		t.Fatalf("result %T of %d bytes", w.Result, len(b))
	}
	if w.CopyIn <= 0 || w.CopyOut <= 0 || w.CopyIn < r.CopyTime+w.Decode {
		t.Errorf("copy in %v (encode %v, decode %v), out %v: the whole trip is not counted", w.CopyIn, r.CopyTime, w.Decode, w.CopyOut)
	}
}
