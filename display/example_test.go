package display_test

import (
	"fmt"
	"image"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/spinlab/spinlab/display"
)

// Outside a notebook, as in this example, the default publisher prints each
// bundle's text/plain representation.
func ExampleHTML() {
	display.HTML("<h1>Results</h1><p>3 modes &amp; 4 worker counts</p>")
	// Output:
	// Results
	//
	// 3 modes & 4 worker counts
}

func ExampleMarkdown() {
	display.Markdown("**bold** claim")
	// Output: **bold** claim
}

func ExampleJSON() {
	display.JSON(map[string]any{"workers": []int{1, 2, 4}, "mode": "thread"})
	// Output:
	// {
	//   "mode": "thread",
	//   "workers": [
	//     1,
	//     2,
	//     4
	//   ]
	// }
}

func ExampleImage() {
	display.Image(image.NewRGBA(image.Rect(0, 0, 64, 32)))
	// Output: [image 64×32]
}

func ExamplePlot() {
	p := plot.New()
	p.Title.Text = "speedup"
	line, _ := plotter.NewLine(plotter.XYs{{X: 1, Y: 1}, {X: 2, Y: 1.9}, {X: 4, Y: 3.5}})
	p.Add(line)
	display.Plot(p) // in a notebook: a 640×400 chart, sharp on HiDPI screens
	// Output: [plot "speedup" 640×400]
}

// A handle replaces its output in place: a progress line, a live chart.
func ExampleShow() {
	h := display.Show("step 1 of 3")
	h.Update("step 2 of 3")
	h.Update("done")
	// Output:
	// step 1 of 3
	// step 2 of 3
	// done
}

// table displays itself as HTML, both with Show and as a cell's value.
type table [][]string

func (t table) Bundle() display.Bundle {
	s := "<table>"
	for _, row := range t {
		s += "<tr>"
		for _, cell := range row {
			s += "<td>" + cell + "</td>"
		}
		s += "</tr>"
	}
	return display.HTMLBundle(s + "</table>")
}

func ExampleBundler() {
	display.Show(table{{"mode", "wall"}, {"thread", "1.2s"}})
	// Output:
	// mode	wall
	// thread	1.2s
}

// Rich gives the bundle of a value that displays itself, without showing it.
func ExampleRich() {
	p := plot.New()
	b, ok := display.Rich(p)
	var mimes []string
	for m := range b.Data {
		mimes = append(mimes, m)
	}
	sort.Strings(mimes)
	fmt.Println(ok, mimes, b.Metadata["image/png"])
	_, ok = display.Rich(42)
	fmt.Println(ok)
	// Output:
	// true [image/png image/svg+xml text/plain] map[height:400 width:640]
	// false
}

// logPublisher is a Publisher that prints what it is asked to do.
type logPublisher struct{}

func (logPublisher) Publish(b display.Bundle, id string, update bool) {
	fmt.Printf("publish %q update=%v has-id=%v\n", b.Data["text/plain"], update, id != "")
}
func (logPublisher) Clear(wait bool) { fmt.Println("clear wait =", wait) }
func (logPublisher) Input(prompt string, password bool) (string, error) {
	return "gopher", nil
}

// The evaluator process installs the publisher that talks to the kernel.
func ExampleSetPublisher() {
	display.SetPublisher(logPublisher{})
	defer display.SetPublisher(nil)

	h := display.Show(0.5)
	h.Update(1.0)
	display.Clear(true)
	fmt.Println("hello,", display.Input("name? "))
	// Output:
	// publish "0.5" update=false has-id=true
	// publish "1" update=true has-id=true
	// clear wait = true
	// hello, gopher
}
