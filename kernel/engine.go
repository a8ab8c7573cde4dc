package kernel

import (
	"context"
	"errors"

	"github.com/spinlab/spinlab/display"
)

// Engine evaluates code on behalf of the kernel. The kernel owns the
// sockets, signing, execution counter, history and busy/idle status; the
// engine owns the language. Methods are called from one goroutine at a time
// for the shell channel, except that Shutdown may be called from the control
// channel while Execute runs, and Complete, Inspect and IsComplete from a
// goroutine of their own beside a long-running Execute: they must answer
// without waiting for the cell.
//
// Interrupting a cell is cancelling the ctx passed to Execute.
type Engine interface {
	// Info describes the language for kernel_info_reply. The kernel
	// calls it once, in New.
	Info() Info

	// Execute runs one cell. It returns when the cell has finished (or was
	// interrupted). Output produced while it runs goes to out. out stays
	// valid after Execute returns: output that the cell's goroutines or
	// children produce later may still be sent on it, and the kernel
	// publishes it with the same parent.
	Execute(ctx context.Context, req ExecuteRequest, out Output) ExecuteReply

	// Complete returns completions for the code at the cursor (a rune offset).
	Complete(ctx context.Context, code string, cursorPos int) (Completion, error)

	// Inspect returns help for the code at the cursor (a rune offset).
	Inspect(ctx context.Context, code string, cursorPos, detailLevel int) (Inspection, error)

	// IsComplete says whether code is ready to run.
	IsComplete(ctx context.Context, code string) (Completeness, error)

	// Shutdown stops the engine and everything it started. With restart,
	// the engine must be ready for Execute again when Shutdown returns.
	Shutdown(ctx context.Context, restart bool) error
}

// Info is the language part of kernel_info_reply.
type Info struct {
	Implementation        string
	ImplementationVersion string
	Banner                string
	Language              LanguageInfo
	HelpLinks             []HelpLink
}

// LanguageInfo is kernel_info_reply's language_info.
type LanguageInfo struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	Mimetype          string `json:"mimetype"`
	FileExtension     string `json:"file_extension"`
	PygmentsLexer     string `json:"pygments_lexer"`
	CodemirrorMode    string `json:"codemirror_mode"`
	NbconvertExporter string `json:"nbconvert_exporter,omitempty"`
}

// HelpLink is one entry of kernel_info_reply's help_links.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// ExecuteRequest is what the engine needs of an execute_request.
type ExecuteRequest struct {
	Code            string
	Silent          bool
	StoreHistory    bool
	AllowStdin      bool
	UserExpressions map[string]string
	// ExecutionCount is the count this cell gets (already incremented
	// unless Silent).
	ExecutionCount int
}

// Output is where a running cell's output goes. Implementations are safe
// for concurrent use.
type Output interface {
	// Stream sends text on "stdout" or "stderr".
	Stream(name, text string)
	// Display sends display_data, or update_display_data when d.Update.
	// A nil d.Metadata means none.
	Display(d DisplayData)
	// Clear sends clear_output.
	Clear(wait bool)
	// Input asks the front end for a line on the stdin channel. It fails
	// with ErrStdinNotAllowed when the request said allow_stdin: false.
	Input(ctx context.Context, prompt string, password bool) (string, error)
}

// ErrStdinNotAllowed is returned by Output.Input when the front end does
// not accept input requests.
var ErrStdinNotAllowed = errors.New("this front end does not support input requests")

// DisplayData is one display_data or update_display_data: a MIME bundle
// and where it goes. It encodes as the bundle's fields followed by
// "display_id" and "update", each omitted when empty.
type DisplayData struct {
	display.Bundle
	DisplayID string `json:"display_id,omitempty"` // transient.display_id, if any
	Update    bool   `json:"update,omitempty"`     // update_display_data instead of display_data
}

// Status is the status of an execute_reply.
type Status string

// Reply statuses.
const (
	StatusOK      Status = "ok"
	StatusError   Status = "error"
	StatusAborted Status = "aborted"
)

// ExecuteReply is the engine's answer to an execute request.
type ExecuteReply struct {
	Status Status
	// Result is the execute_result, nil when the cell has no value.
	Result *display.Bundle
	// Error is set when Status is StatusError.
	Error *Error
	// UserExpressions holds one entry per requested expression.
	UserExpressions map[string]ExpressionResult
	// Payload is the execute_reply's payload list (deprecated by the
	// protocol, still honoured by front ends): {"source": "ask_exit",
	// "keepkernel": false} makes jupyter console end the session.
	Payload []map[string]any
}

// Error is an error reply's content (and the iopub error message).
type Error struct {
	Name      string   `json:"ename"`
	Value     string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// ExpressionResult is one user_expressions entry of an execute_reply.
type ExpressionResult struct {
	Status   Status         `json:"status"`
	Data     map[string]any `json:"data,omitempty"`
	Metadata map[string]any `json:"metadata,omitempty"`
	*Error   `json:",omitempty"`
}

// Completion is a complete_reply's content.
type Completion struct {
	Matches     []string
	CursorStart int // rune offsets into the code
	CursorEnd   int
	// Types optionally gives a type for each match, for the
	// _jupyter_types_experimental metadata ("function", "keyword", ...).
	Types []string
	// Signatures optionally gives each match's type or signature, for
	// the same metadata.
	Signatures []string
}

// Inspection is an inspect_reply's content: the bundle that describes
// the name at the cursor, when Found.
type Inspection struct {
	Found bool
	display.Bundle
}

// Completeness is an is_complete_reply's content, as the engine gives it
// and as it goes on the wire.
type Completeness struct {
	Status string `json:"status"` // "complete", "incomplete", "invalid" or "unknown"
	Indent string `json:"indent"` // with "incomplete": the indent of the next line
}
