// Package display shows rich output in a spinlab notebook: HTML, Markdown,
// images, JSON and gonum plots, plus handles that update an output in place,
// clear_output and input requests.
//
// A cell calls the package-level functions:
//
//	display.Markdown("# Results")
//	display.Plot(p)               // a *plot.Plot, inline as a HiDPI PNG with an SVG alternative
//	h := display.Show("starting") // any value; the handle updates it in place
//	h.Update("done")
//	name := display.Input("your name? ")
//
// Each function builds a [Bundle] (one representation per MIME type, always
// including text/plain) and hands it to the current [Publisher]. In the
// notebook the evaluator process installs a publisher with [SetPublisher] that
// forwards bundles to the kernel as display_data. Without one, as in a plain Go
// program that imports this package, the default publisher prints the
// text/plain representation to standard output and reads input from standard
// input, so a cell's code compiles and runs unchanged outside the notebook.
//
// Functions that publish never return errors: a notebook cell should not
// have to check whether a chart rendered. When a value cannot be rendered
// (a plot that panics, a JSON value that does not marshal) the cell shows a
// text/plain note saying what went wrong instead.
//
// Other packages (the interpreter, runtimes) build bundles without
// publishing them with the *Bundle constructors ([HTMLBundle], [PNGBundle],
// [PlotBundle], ...) and [Rich], which returns the rich bundle of a value
// that can display itself: a [Bundler], an [image.Image] or a *plot.Plot.
//
// The package is a leaf: it knows nothing of sockets, the wire protocol or
// the interpreter. Its only mutable package state is the publisher installed
// with SetPublisher, a deliberate exception to spinlab's no-globals rule in
// the manner of slog.SetDefault: user code calls display.HTML without
// holding any object, so the process-wide destination has to live somewhere.
package display
