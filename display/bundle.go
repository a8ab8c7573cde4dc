package display

// Bundle is a MIME bundle: one representation of a value per MIME type,
// with optional per-type metadata, as Jupyter's display_data carries it.
//
// Data values are strings for text types ("text/plain", "text/html",
// "image/svg+xml", ...), base64-encoded strings for binary types
// ("image/png", "image/jpeg"), and any JSON value for "application/json".
// Every bundle made by this package carries "text/plain".
//
// Bundle is spinlab's one MIME bundle type: the kernel sends it as the
// data and metadata of display_data, update_display_data, execute_result
// and inspect_reply, the evaluator process hands it to the kernel in that
// JSON form, and a notebook's outputs hold it. A nil Metadata means none.
type Bundle struct {
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

// Bundler is implemented by values that display themselves richly, both
// when passed to Show and as a cell's final expression.
type Bundler interface {
	Bundle() Bundle
}

// Publisher delivers bundles to the front end. A notebook session installs
// one with SetPublisher; a plain Go program uses the default, which prints
// the text/plain representation to standard output.
type Publisher interface {
	// Publish shows b. A non-empty displayID tags the output so that a
	// later Publish with update set can replace it in place.
	Publish(b Bundle, displayID string, update bool)
	// Clear clears the cell's output; with wait, only when new output arrives.
	Clear(wait bool)
	// Input asks the user for a line of text.
	Input(prompt string, password bool) (string, error)
}
