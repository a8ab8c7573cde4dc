package interp

import (
	"context"
	"testing"
	"time"

	"github.com/spinlab/spinlab/kernel/display"
	"github.com/spinlab/spinlab/runtimes"
)

func TestDbg(t *testing.T) {
	rec := &recorder{}
	display.SetPublisher(rec)
	defer display.SetPublisher(nil)
	s, out, errb := newTestSession(t)
	runtimes.SetHost(s)
	defer runtimes.SetHost(nil)
	for _, c := range []string{
		"var total atomic.Int64\nr := runtimes.Go(4, func(worker int) { total.Add(int64(worker)) })\ntotal.Load()",
		"r",
		"runtimes.Threads(2, func(worker int) { panic(\"in thread\") })",
		"pts := make(plotter.XYs, 10)\nfor i := range pts { pts[i].X = float64(i); pts[i].Y = float64(i*i) }\np := plot.New()\nl, err := plotter.NewLine(pts)\nif err != nil { panic(err) }\np.Add(l)\ndisplay.Plot(p)",
		"display.Markdown(\"# hi\")",
		"h := display.Show(\"a\")\nh.Update(\"b\")",
		"stat.StdDev([]float64{1,2,3,4}, nil)",
		"plotutil.AddLinePoints(p, \"x\", pts)",
		"res := runtimes.Experiment{Snippet: \"time.Sleep(time.Millisecond)\", Modes: []runtimes.Mode{runtimes.Goroutine, runtimes.Thread}, Workers: []int{1,2}, Trials: 2, Quiet: true}.Run()\nres.Err",
		"res.CSV()",
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		res, err := s.Execute(ctx, c)
		cancel()
		v := text(res.Value)
		if len(v) > 300 {
			v = v[:300]
		}
		var mimes []string
		if res.Value != nil {
			for k := range res.Value.Data {
				mimes = append(mimes, k)
			}
		}
		t.Logf("%q\n   -> %v %v | err=%v | out=%q err=%q", c, v, mimes, err, out.String(), errb.String())
		out.Reset()
		errb.Reset()
	}
	rec.mu.Lock()
	for _, b := range rec.bundles {
		var mimes []string
		for k := range b.Data {
			mimes = append(mimes, k)
		}
		t.Logf("published %v", mimes)
	}
	rec.mu.Unlock()
}
