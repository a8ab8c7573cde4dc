package kernel

import (
	"encoding/json"
	"fmt"
)

// The content of every message the kernel sends, and of the requests it
// reads, as one Go type per message type. The kernel encodes these, and
// kerneltest (or any Go front end) decodes replies into the same types,
// so that a field the kernel renames breaks the client's build, not a
// test at run time. Names follow the messaging protocol, version
// ProtocolVersion.
//
// A reply whose request failed carries status "error" and an Error
// (ename, evalue, traceback) instead of its fields: the kernel sends an
// ErrorReply then, and the reply types embed *Error so that a client
// decodes either shape into them (nil on success; encoding/json leaves
// the fields of a nil embedded pointer out).
//
// The engine hands the kernel MIME bundles as display.Bundle values; the
// contents that carry one (ExecuteResult, DisplayContent, InspectReply,
// ExpressionResult) spell out its data and metadata instead of embedding
// it, because the protocol wants "metadata": {} where display.Bundle's
// JSON leaves empty metadata out.

// StatusContent is an iopub status message's content: "starting",
// "busy" or "idle".
type StatusContent struct {
	ExecutionState string `json:"execution_state"`
}

// StreamContent is an iopub stream message's content.
type StreamContent struct {
	Name string `json:"name"` // "stdout" or "stderr"
	Text string `json:"text"`
}

// ExecuteRequestContent is an execute_request's content. The pointers
// tell a missing field (which takes the protocol's default, true) from
// false.
type ExecuteRequestContent struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    *bool             `json:"store_history,omitempty"`
	UserExpressions map[string]string `json:"user_expressions,omitempty"`
	AllowStdin      *bool             `json:"allow_stdin,omitempty"`
	StopOnError     *bool             `json:"stop_on_error,omitempty"`
}

// ExecuteInput is an iopub execute_input's content.
type ExecuteInput struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
}

// ExecuteResult is an iopub execute_result's content.
type ExecuteResult struct {
	ExecutionCount int            `json:"execution_count"`
	Data           map[string]any `json:"data"`
	Metadata       map[string]any `json:"metadata"`
}

// DisplayContent is the content of an iopub display_data or
// update_display_data message.
type DisplayContent struct {
	Data      map[string]any `json:"data"`
	Metadata  map[string]any `json:"metadata"`
	Transient Transient      `json:"transient"`
}

// Transient is a display's transient field: what front ends use and do
// not save.
type Transient struct {
	DisplayID string `json:"display_id,omitempty"`
}

// ClearOutput is an iopub clear_output's content.
type ClearOutput struct {
	Wait bool `json:"wait"`
}

// InputRequest is a stdin input_request's content.
type InputRequest struct {
	Prompt   string `json:"prompt"`
	Password bool   `json:"password"`
}

// InputReply is a stdin input_reply's content.
type InputReply struct {
	Value string `json:"value"`
}

// ExecuteReplyContent is an execute_reply's content. Which fields go on
// the wire depends on Status, as the protocol has it: "ok" sends
// user_expressions and payload (empty when none), "error" the Error,
// "aborted" only the count (and none when the request never ran).
type ExecuteReplyContent struct {
	Status          Status                      `json:"status"`
	ExecutionCount  int                         `json:"execution_count"`
	UserExpressions map[string]ExpressionResult `json:"user_expressions"`
	Payload         []map[string]any            `json:"payload"`
	*Error
}

// MarshalJSON writes the fields that belong to the reply's status.
func (r ExecuteReplyContent) MarshalJSON() ([]byte, error) {
	switch r.Status {
	case StatusOK:
		exprs, payload := r.UserExpressions, r.Payload
		if exprs == nil {
			exprs = map[string]ExpressionResult{}
		}
		if payload == nil {
			payload = []map[string]any{}
		}
		return json.Marshal(struct {
			Status          Status                      `json:"status"`
			ExecutionCount  int                         `json:"execution_count"`
			UserExpressions map[string]ExpressionResult `json:"user_expressions"`
			Payload         []map[string]any            `json:"payload"`
		}{r.Status, r.ExecutionCount, exprs, payload})
	case StatusError:
		var e Error // the kernel always sets one (execute.go)
		if r.Error != nil {
			e = *r.Error
		}
		if e.Traceback == nil {
			e.Traceback = []string{}
		}
		return json.Marshal(struct {
			Status         Status `json:"status"`
			ExecutionCount int    `json:"execution_count"`
			Error
		}{r.Status, r.ExecutionCount, e})
	}
	return json.Marshal(struct {
		Status         Status `json:"status"`
		ExecutionCount int    `json:"execution_count"`
	}{r.Status, r.ExecutionCount})
}

// ErrorReply is the content of any reply whose request failed.
type ErrorReply struct {
	Status         Status `json:"status"` // StatusError
	ExecutionCount *int   `json:"execution_count,omitempty"`
	Error
}

// newErrorReply is the content of a reply whose request failed with err.
func newErrorReply(name string, err error) ErrorReply {
	return ErrorReply{Status: StatusError, Error: Error{Name: name, Value: err.Error(), Traceback: []string{}}}
}

// KernelInfoReply is a kernel_info_reply's content.
type KernelInfoReply struct {
	Status                Status       `json:"status"`
	ProtocolVersion       string       `json:"protocol_version"`
	Implementation        string       `json:"implementation"`
	ImplementationVersion string       `json:"implementation_version"`
	LanguageInfo          LanguageInfo `json:"language_info"`
	Banner                string       `json:"banner"`
	HelpLinks             []HelpLink   `json:"help_links"`
	Debugger              bool         `json:"debugger"`
}

// ConnectReply is a connect_reply's content.
type ConnectReply struct {
	ShellPort   int `json:"shell_port"`
	IOPubPort   int `json:"iopub_port"`
	StdinPort   int `json:"stdin_port"`
	HBPort      int `json:"hb_port"`
	ControlPort int `json:"control_port"`
}

// CommInfoReply is a comm_info_reply's content; spinlab has no comms.
type CommInfoReply struct {
	Status Status         `json:"status"`
	Comms  map[string]any `json:"comms"`
}

// ShutdownRequest is a shutdown_request's content.
type ShutdownRequest struct {
	Restart bool `json:"restart"`
}

// ShutdownReply is a shutdown_reply's content.
type ShutdownReply struct {
	Status  Status `json:"status"`
	Restart bool   `json:"restart"`
	*Error
}

// InterruptReply is an interrupt_reply's content.
type InterruptReply struct {
	Status Status `json:"status"`
}

// CompleteRequest is a complete_request's content. CursorPos is in code
// points; missing, it is the end of the code.
type CompleteRequest struct {
	Code      string `json:"code"`
	CursorPos *int   `json:"cursor_pos"`
}

// CompleteReply is a complete_reply's content.
type CompleteReply struct {
	Status      Status           `json:"status"`
	Matches     []string         `json:"matches"`
	CursorStart int              `json:"cursor_start"`
	CursorEnd   int              `json:"cursor_end"`
	Metadata    CompleteMetadata `json:"metadata"`
	*Error
}

// CompleteMetadata is a complete_reply's metadata: each match's kind and
// type, in ipykernel's experimental field, when the engine gives them.
type CompleteMetadata struct {
	Types []CompletionItem `json:"_jupyter_types_experimental,omitempty"`
}

// CompletionItem is one entry of _jupyter_types_experimental.
type CompletionItem struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
	Type  string `json:"type"`
	// Signature is the match's type or signature; as ipykernel, either
	// every item has one ("" when none) or none has.
	Signature *string `json:"signature,omitempty"`
}

// InspectRequest is an inspect_request's content.
type InspectRequest struct {
	Code        string `json:"code"`
	CursorPos   *int   `json:"cursor_pos"`
	DetailLevel int    `json:"detail_level"`
}

// InspectReply is an inspect_reply's content.
type InspectReply struct {
	Status   Status         `json:"status"`
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
	*Error
}

// IsCompleteRequest is an is_complete_request's content.
type IsCompleteRequest struct {
	Code string `json:"code"`
}

// Completeness (engine.go) is an is_complete_reply's content as it is.

// MarshalJSON sends indent with "incomplete" only, as the protocol has it.
func (r Completeness) MarshalJSON() ([]byte, error) {
	if r.Status == "incomplete" {
		type plain Completeness
		return json.Marshal(plain(r))
	}
	return json.Marshal(struct {
		Status string `json:"status"`
	}{r.Status})
}

// HistoryRequest is a history_request's content.
type HistoryRequest struct {
	Output     bool   `json:"output"`
	Raw        bool   `json:"raw"`
	AccessType string `json:"hist_access_type"` // "tail", "range" or "search"
	Session    int    `json:"session"`
	Start      int    `json:"start"`
	Stop       int    `json:"stop"`
	N          int    `json:"n"`
	Pattern    string `json:"pattern"`
	Unique     bool   `json:"unique"`
}

// HistoryEntry is one entry of a history_reply: a cell's input, with its
// text output (execute_result text/plain) when the request asked for
// output. On the wire it is [session, line, input], or [session, line,
// [input, output]] with output.
type HistoryEntry struct {
	Session, Line int
	Input         string
	Output        *string // the text output, if any

	withOutput bool // sent as [input, output]
}

// MarshalJSON writes the entry's list form.
func (e HistoryEntry) MarshalJSON() ([]byte, error) {
	if !e.withOutput {
		return json.Marshal([]any{e.Session, e.Line, e.Input})
	}
	return json.Marshal([]any{e.Session, e.Line, []any{e.Input, e.Output}})
}

// UnmarshalJSON reads [session, line, input] or
// [session, line, [input, output]].
func (e *HistoryEntry) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != 3 {
		return fmt.Errorf("history entry with %d fields, want 3", len(raw))
	}
	if err := json.Unmarshal(raw[0], &e.Session); err != nil {
		return err
	}
	if err := json.Unmarshal(raw[1], &e.Line); err != nil {
		return err
	}
	if err := json.Unmarshal(raw[2], &e.Input); err == nil {
		e.Output, e.withOutput = nil, false
		return nil
	}
	var pair []*string
	if err := json.Unmarshal(raw[2], &pair); err != nil || len(pair) != 2 || pair[0] == nil {
		return fmt.Errorf("history entry input %s is neither a string nor [input, output]", raw[2])
	}
	e.Input, e.Output, e.withOutput = *pair[0], pair[1], true
	return nil
}

// HistoryReply is a history_reply's content.
type HistoryReply struct {
	Status  Status         `json:"status"`
	History []HistoryEntry `json:"history"`
	*Error
}

// CommOpen is a comm_open's content.
type CommOpen struct {
	CommID     string         `json:"comm_id"`
	TargetName string         `json:"target_name"`
	Data       map[string]any `json:"data,omitempty"`
}

// CommClose is a comm_close's content.
type CommClose struct {
	CommID string         `json:"comm_id"`
	Data   map[string]any `json:"data"`
}
