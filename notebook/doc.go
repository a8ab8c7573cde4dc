// Package notebook reads, writes, runs and exports Jupyter notebooks in
// nbformat 4.
//
// [Read] and [Notebook.Write] keep a notebook's bytes as Jupyter writes
// them (sources and text outputs as lists of lines, one-space indentation,
// sorted keys), so a notebook that spinlab runs diffs cleanly against one
// saved from JupyterLab.
//
// [Notebook.WriteFile] and [Notebook.WriteHTMLFile] replace a file whole
// (a temporary file renamed over it) and write through symbolic links, so
// a linked notebook stays a link; [CheckWritable] tells before a long run
// whether they will be able to.
//
// [Run] executes the code cells in order through a [kernel.Engine], the
// same interface the Jupyter kernel drives, and records their outputs as
// nbclient does: consecutive stream output merged, update_display_data
// applied in place, clear_output honoured. It never waits for an engine
// that does not answer an interrupt for longer than
// [RunOptions.StopGrace], so a wedged session still leaves a notebook to
// save. [Notebook.Parameterize] injects papermill-style parameters, and
// [Notebook.WriteHTML] exports a self-contained HTML page.
//
// The package knows nothing of sockets or of how the engine evaluates Go:
// `spinlab run` passes it the evaluator supervisor, tests a fake engine.
package notebook
