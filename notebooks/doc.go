// Package notebooks holds spinlab's tutorial notebooks. Its tests execute
// every notebook both ways a reader would: headless with `spinlab run`, and
// through Jupyter's own nbconvert with the installed kernel. Each notebook
// checks its claims with assertions in its cells, so a wrong claim fails
// the run.
package notebooks
