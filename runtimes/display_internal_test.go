package runtimes

import (
	"bytes"
	"context"
	"encoding/base64"
	imgpng "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sweepResults is a typical four-panel %%spin result made without running
// anything: three modes × workers 1, 2, 4, 8 × both runners, three trials,
// with figures of the sizes real sweeps produce.
func sweepResults() *Results {
	res := &Results{Trials: 3, Machine: Machine{NumCPU: 2, GOMAXPROCS: 2, GoVersion: "go1.26.8", OS: "linux", Arch: "amd64"}}
	for _, m := range []Mode{Goroutine, Thread, Process} {
		for _, rn := range []Runner{Interpreted, Compiled} {
			for _, n := range []int{1, 2, 4, 8} {
				for trial := range 3 {
					base := 40 * time.Millisecond
					if rn == Compiled {
						base = 4 * time.Millisecond
					}
					wall := base * time.Duration(n) / time.Duration(min(n, 2))
					wall += time.Duration(trial) * wall / 20
					r := &Run{Mode: m, Runner: rn, Trial: trial, Wall: wall, User: wall * 2, System: wall / 10,
						CPUPerWorker: m != Goroutine, PeakThreads: 6 + n, Machine: res.Machine}
					for w := range n {
						ws := WorkerStats{Worker: w, PID: 1000 + w, Time: base, Spawn: time.Duration(1+w) * 3 * time.Microsecond, Memory: 64 << 10}
						if m == Process {
							ws.Spawn = time.Duration(1+w) * 1300 * time.Microsecond
							ws.Memory = 12 << 20
							ws.PSS = 4 << 20
							r.ChildThreads = 5 * n
						}
						r.Workers = append(r.Workers, ws)
					}
					res.Runs = append(res.Runs, r)
				}
			}
		}
	}
	return res
}

// A four-panel sweep's charts are one image/png output of at most 120 KB
// (the 2× RGBA PNG was 307 KB), shown at 960×696 CSS pixels, and the
// table's HTML carries no image.
func TestChartBundleSize(t *testing.T) {
	res := sweepResults()
	bs := res.Bundles()
	if len(bs) != 2 {
		t.Fatalf("%d bundles, want charts and table", len(bs))
	}
	enc, _ := bs[0].Data["image/png"].(string)
	png, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("charts PNG: %d bytes (%d base64)", len(png), len(enc))
	if len(png) > 120<<10 {
		t.Errorf("charts PNG is %d bytes, want ≤ 120 KiB", len(png))
	}
	cfg, err := imgpng.DecodeConfig(bytes.NewReader(png))
	if err != nil || cfg.Width != 2*gridPixelsW || cfg.Height != 2*gridPixelsH {
		t.Errorf("PNG is %dx%d (%v), want %dx%d", cfg.Width, cfg.Height, err, 2*gridPixelsW, 2*gridPixelsH)
	}
	if md, _ := bs[0].Metadata["image/png"].(map[string]any); md["width"] != gridPixelsW || md["height"] != gridPixelsH {
		t.Errorf("metadata %v, want %dx%d", bs[0].Metadata, gridPixelsW, gridPixelsH)
	}
	h := bs[1].Data["text/html"].(string)
	if strings.Contains(h, "<img") || strings.Contains(h, "base64") {
		t.Error("table HTML still inlines the chart")
	}
	if !strings.Contains(h, "width:100%") || !strings.Contains(h, "max-width:850px") {
		t.Error("table HTML does not bound its width")
	}
}

// The table fits an 850 px notebook column: rendered in headless
// Chromium at that width, nothing is wider than the page.
func TestTableFits850px(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no chromium")
	}
	res := sweepResults()
	res.Runs[len(res.Runs)-1].Workers[0].Error = "panic: a long error message that a narrow column must wrap rather than widen for"
	page := `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0;width:850px">` +
		res.Bundle().Data["text/html"].(string) +
		`<script>document.body.setAttribute("data-width", String(Math.max(document.documentElement.scrollWidth, Math.ceil(document.querySelector("table").getBoundingClientRect().width))))</script></body></html>`
	file := filepath.Join(t.TempDir(), "table.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--window-size=850,1200", "--dump-dom", "file://"+file).Output()
	if err != nil {
		t.Skipf("chromium: %v", err)
	}
	m := regexp.MustCompile(`data-width="(\d+)"`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no width in chromium's DOM:\n%.500s", out)
	}
	w, _ := strconv.Atoi(string(m[1]))
	t.Logf("page scroll width at 850 px: %d", w)
	if w > 850 {
		t.Errorf("table is %d px wide, want ≤ 850", w)
	}
}
