package supervisor

import (
	"github.com/spinlab/spinlab/display"
	"github.com/spinlab/spinlab/interp"
	"github.com/spinlab/spinlab/kernel"
)

// The private channel between the kernel (the supervisor) and `spinlab
// eval` (the evaluator) is an internal/child channel: requests go
// supervisor → evaluator, events and replies evaluator → supervisor, each
// a JSON frame in internal/framing's format.
//
// Requests carry an ID that their reply repeats. Events (display, clear,
// input_request) are not replies: the supervisor sends them to the Output of
// the running cell, or of the last cell when none runs.
//
// MIME bundles travel as display.Bundle's JSON and display events as
// kernel.DisplayData's, so that neither side converts between bundle
// types (TestFrameEncoding pins the bytes).

// Frame types, supervisor → evaluator.
const (
	typeExecute    = "execute"     // Execute; reply typeDone
	typeInspect    = "inspect"     // Inspect; reply typeReply
	typeRestore    = "restore"     // Definitions; reply typeReply
	typeInterrupt  = "interrupt"   // cancel the execute with this ID; no reply
	typeInputReply = "input_reply" // Input; answers the input_request with this ID
	typeShutdown   = "shutdown"    // kill workers and exit; no reply
	typePing       = "ping"        // reply typeReply at once, from the read loop (a liveness probe)
)

// Frame types, evaluator → supervisor.
const (
	typeReady        = "ready"         // the session is up; ID 0
	typeDone         = "done"          // an execute finished; Done
	typeReply        = "reply"         // the answer to any other request
	typeDisplay      = "display"       // Display
	typeClear        = "clear"         // Clear
	typeInputRequest = "input_request" // Input; the supervisor answers with input_reply
)

// maxFrame bounds one frame; a bigger length prefix means the stream is
// corrupt, not that somebody displayed a quarter of a gigabyte.
const maxFrame = 256 << 20

// frame is one message on the private channel. Type says which of the
// optional parts are set.
type frame struct {
	Type string `json:"type"`
	ID   uint64 `json:"id,omitempty"`
	// Sync, on events and done frames, is the number of the marker that the
	// evaluator wrote to its stdout and stderr pipes just before sending the
	// frame: the supervisor hands the frame on only after it has passed on
	// all stream text before that marker.
	Sync uint64 `json:"sync,omitempty"`

	Execute     *executeBody        `json:"execute,omitempty"`
	Done        *doneBody           `json:"done,omitempty"`
	Inspect     *inspectBody        `json:"inspect,omitempty"`
	Definitions []interp.Definition `json:"definitions,omitempty"`
	Display     *kernel.DisplayData `json:"display,omitempty"`
	Clear       *clearBody          `json:"clear,omitempty"`
	Input       *inputBody          `json:"input,omitempty"`
	Ready       *readyBody          `json:"ready,omitempty"`
	Error       *wireError          `json:"error,omitempty"`
}

type executeBody struct {
	Code string `json:"code"`
	// Count is the execution count the front end shows for the cell, so
	// that positions name it ("cell[7]:2:5") also after the evaluator was
	// replaced; 0: the session numbers cells itself.
	Count           int               `json:"count,omitempty"`
	Silent          bool              `json:"silent,omitempty"`
	UserExpressions map[string]string `json:"user_expressions,omitempty"`
}

type doneBody struct {
	Value           *display.Bundle       `json:"value,omitempty"`
	Error           *wireError            `json:"error,omitempty"`
	Definitions     []interp.Definition   `json:"definitions,omitempty"`
	Reset           bool                  `json:"reset,omitempty"`
	UserExpressions map[string]exprResult `json:"user_expressions,omitempty"`
}

type exprResult struct {
	Value *display.Bundle `json:"value,omitempty"`
	Error *wireError      `json:"error,omitempty"`
}

type wireError struct {
	Name      string   `json:"name"`
	Message   string   `json:"message"`
	Traceback []string `json:"traceback,omitempty"`
}

func (e *wireError) Error() string { return e.Name + ": " + e.Message }

type inspectBody struct {
	Code   string `json:"code"`
	Cursor int    `json:"cursor"`
	Detail int    `json:"detail,omitempty"`
	// In the reply:
	Found bool            `json:"found,omitempty"`
	Value *display.Bundle `json:"value,omitempty"`
}

type clearBody struct {
	Wait bool `json:"wait,omitempty"`
}

type inputBody struct {
	Prompt   string `json:"prompt,omitempty"`
	Password bool   `json:"password,omitempty"`
	// In the reply:
	Value string `json:"value,omitempty"`
}

type readyBody struct {
	PID int `json:"pid"`
}
