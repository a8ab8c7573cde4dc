package interp

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/spinlab/spinlab/display"
)

// A %%spin cell and a Results that is a cell's final value show two
// outputs: the charts as their own image/png display_data (kept by
// nbconvert and HTML-sanitising front ends) with HiDPI size metadata, and
// the table as the result's text/html, with no image inlined in it.
func TestSpinShowsChartPNGAndTable(t *testing.T) {
	rec := &recorder{}
	display.SetPublisher(rec)
	defer display.SetPublisher(nil)
	s, out, _ := newTestSession(t)
	res := mustExec(t, s, "%%spin modes=goroutine,thread workers=1,2 trials=1 warmup=0\nworker * 2")
	checkSpinOutputs(t, rec, res)
	name := strings.Fields(strings.TrimPrefix(out.String(), "results in "))[0]

	rec.mu.Lock()
	rec.bundles = nil
	rec.mu.Unlock()
	checkSpinOutputs(t, rec, mustExec(t, s, name))
}

func checkSpinOutputs(t *testing.T, rec *recorder, res *Result) {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.bundles) != 1 {
		t.Fatalf("published %d display_data, want 1 (the charts)", len(rec.bundles))
	}
	chart := rec.bundles[0]
	enc, _ := chart.Data["image/png"].(string)
	png, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("charts output is not a PNG: %v %.20q", err, enc)
	}
	if _, ok := chart.Data["text/plain"].(string); !ok {
		t.Error("charts output has no text/plain")
	}
	if md, _ := chart.Metadata["image/png"].(map[string]any); md["width"] != 960 {
		t.Errorf("charts metadata = %v, want width 960 (a 2× PNG shown at half size)", chart.Metadata)
	}
	if res.Value == nil {
		t.Fatal("no result value")
	}
	h, _ := res.Value.Data["text/html"].(string)
	if !strings.Contains(h, "<table") || strings.Contains(h, "<img") || strings.Contains(h, "base64") {
		t.Errorf("result html is not the table alone:\n%.300s", h)
	}
	if _, ok := res.Value.Data["image/png"]; ok {
		t.Error("the chart is in the result as well as its own output")
	}
}
