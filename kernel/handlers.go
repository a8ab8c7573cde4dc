package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"
)

// busy, idle are the status contents that wrap every request.
var (
	busy = StatusContent{ExecutionState: "busy"}
	idle = StatusContent{ExecutionState: "idle"}
)

// testHookAfterHandle, when set by a test, runs after each shell request
// is handled, before any abort.
var testHookAfterHandle func()

// shellWorker handles shell requests one at a time.
func (k *Kernel) shellWorker() {
	for {
		select {
		case m := <-k.shellIn:
			n := k.handle(Shell, m)
			if testHookAfterHandle != nil {
				testHookAfterHandle()
			}
			if n > 0 {
				k.abortQueued(n)
			}
		case <-k.stop:
			return
		}
	}
}

// controlWorker handles control requests; it never waits for the engine
// to finish a cell.
func (k *Kernel) controlWorker() {
	for {
		select {
		case m := <-k.controlIn:
			k.handle(Control, m)
		case <-k.stop:
			return
		}
	}
}

// longCell is how long a cell runs before is_complete, complete and
// inspect requests stop waiting behind it.
const longCell = 500 * time.Millisecond

// answersAtOnce says whether the kernel answers a shell request on its own
// goroutine, beside the running cell, rather than in order after it: an
// is_complete, complete or inspect request while a cell has run for
// longCell (help while typing the next cell). A
// front end asks is_complete before every Enter and gives up on a kernel
// that does not answer within a second: jupyter console then wants
// Esc-Enter for the rest of the session, and it leaves a cell running
// when Ctrl-C reaches only the console (its SIGINT handler is lost once
// prompt_toolkit has run). Requests stay in order on the shell channel
// otherwise; the engine answers these without waiting for the cell (see
// Engine).
func (k *Kernel) answersAtOnce(msgType string) bool {
	if msgType != "is_complete_request" && msgType != "complete_request" && msgType != "inspect_request" {
		return false
	}
	start := k.cellStart.Load()
	return start != 0 && time.Since(time.Unix(0, start)) >= longCell
}

// quickWorker handles the requests that answersAtOnce lets pass a long
// cell, one at a time.
func (k *Kernel) quickWorker() {
	for {
		select {
		case m := <-k.quickIn:
			k.handle(Shell, m)
		case <-k.stop:
			return
		}
	}
}

// abortQueued answers the execute requests among the next n on shell (those
// queued when the failing cell replied) with status "aborted", as ipykernel
// does after an error with stop_on_error. Other queued requests are handled
// normally, in order; requests that arrived after the reply are not
// aborted: a front end may send its next cell as soon as it reads the
// error.
func (k *Kernel) abortQueued(n int) {
	for range n {
		select {
		case m := <-k.shellIn:
			if m.Header.MsgType != "execute_request" {
				k.handle(Shell, m)
				continue
			}
			k.publish(m.Header, "status", busy)
			k.reply(Shell, m, "execute_reply", struct {
				Status Status `json:"status"`
			}{StatusAborted},
				map[string]any{"status": StatusAborted, "engine": k.session})
			k.publish(m.Header, "status", idle)
		default:
			return
		}
	}
}

// handle answers one request between status busy and idle. It returns how
// many queued shell requests stop_on_error aborts (see abortQueued).
func (k *Kernel) handle(ch Channel, m *Message) (abort int) {
	k.idle.Busy()
	defer k.idle.Idle()
	k.publish(m.Header, "status", busy)
	defer k.publish(m.Header, "status", idle)
	defer func() {
		if p := recover(); p != nil {
			k.log.Error("panic while handling a request", "channel", ch, "msg_type", m.Header.MsgType, "panic", p)
			abort = 0
		}
	}()
	t := m.Header.MsgType
	var err error
	switch {
	case t == "kernel_info_request":
		k.kernelInfo(ch, m)
	case t == "shutdown_request":
		err = k.shutdown(ch, m)
	case t == "connect_request":
		k.connect(ch, m)
	case t == "interrupt_request" && ch == Control:
		k.Interrupt()
		k.reply(ch, m, "interrupt_reply", InterruptReply{Status: StatusOK}, nil)
	case t == "comm_info_request":
		k.reply(ch, m, "comm_info_reply", CommInfoReply{Status: StatusOK, Comms: map[string]any{}}, nil)
	case ch != Shell:
		k.log.Warn("dropped message", "channel", ch, "reason", "unknown msg_type on control", "msg_type", t)
	case t == "execute_request":
		abort, err = k.execute(m)
	case t == "complete_request":
		err = k.complete(m)
	case t == "inspect_request":
		err = k.inspect(m)
	case t == "is_complete_request":
		err = k.isComplete(m)
	case t == "history_request":
		err = k.historyRequest(m)
	case t == "comm_open":
		err = k.commOpen(m)
	case t == "comm_msg", t == "comm_close":
		k.log.Info("message for an unknown comm dropped", "msg_type", t)
	default:
		k.log.Warn("dropped message", "channel", ch, "reason", "unknown msg_type", "msg_type", t)
	}
	if err != nil {
		var bad *badContentError
		if errors.As(err, &bad) {
			k.replyBadContent(ch, m, bad)
		} else {
			k.log.Warn("dropped message", "channel", ch, "msg_type", t, "reason", err)
		}
	}
	return abort
}

// badContentError is a request whose content does not decode: a field
// of the wrong JSON type (the reader has checked that content is a JSON
// object).
type badContentError struct {
	msgType string
	field   string // "" when the error names none
	found   string // the JSON kind found, "a string"
	want    string // the JSON type the field takes, "a boolean"
	err     error
}

func (e *badContentError) Error() string {
	if e.field == "" || e.want == "" {
		return fmt.Sprintf("%s content does not decode: %v", e.msgType, e.err)
	}
	return fmt.Sprintf("%s content: field %q holds %s where %s belongs", e.msgType, e.field, e.found, e.want)
}

func (e *badContentError) Unwrap() error { return e.err }

// decode unmarshals a request's content; its error is a *badContentError
// that says which field is wrong.
func decode(m *Message, v any) error {
	err := m.DecodeContent(v)
	if err == nil {
		return nil
	}
	bad := &badContentError{msgType: m.Header.MsgType, err: err}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		bad.field, bad.found, bad.want = te.Field, jsonKind(te.Value), jsonTypeOf(te.Type)
	}
	return bad
}

// jsonKind says what encoding/json's UnmarshalTypeError.Value names:
// "string", "bool", "number", "number 1.5", "array", "object".
func jsonKind(v string) string {
	switch {
	case v == "bool":
		return "a boolean"
	case v == "array", v == "object":
		return "an " + v
	case strings.HasPrefix(v, "number "):
		return "the number " + strings.TrimPrefix(v, "number ")
	case v == "":
		return "a value"
	}
	return "a " + v
}

// jsonTypeOf names the JSON type that decodes into t.
func jsonTypeOf(t reflect.Type) string {
	if t == nil {
		return ""
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return ""
}

// replyBadContent answers a request whose content does not decode with
// an error reply, so that its front end is not left waiting (ipykernel
// would raise in its handler and leave it so). Requests without a reply
// (comm_open) are logged only.
func (k *Kernel) replyBadContent(ch Channel, m *Message, bad *badContentError) {
	k.log.Warn("request with malformed content", "channel", ch, "msg_type", m.Header.MsgType, "err", bad)
	base, ok := strings.CutSuffix(m.Header.MsgType, "_request")
	if !ok {
		return
	}
	const ename = "BadRequest"
	content := ErrorReply{Status: StatusError, Error: Error{Name: ename, Value: bad.Error(),
		Traceback: []string{ename + ": " + bad.Error()}}}
	if m.Header.MsgType == "execute_request" {
		k.mu.Lock()
		count := k.execCount
		k.mu.Unlock()
		content.ExecutionCount = &count
	}
	k.reply(ch, m, base+"_reply", content, nil)
}

func (k *Kernel) kernelInfo(ch Channel, m *Message) {
	info := k.langInfo
	links := info.HelpLinks
	if links == nil {
		links = []HelpLink{}
	}
	banner := info.Banner
	if !k.signer.Signs() {
		if banner != "" {
			banner += "\n\n"
		}
		banner += "WARNING: " + unsignedWarning + "."
	}
	k.reply(ch, m, "kernel_info_reply", KernelInfoReply{
		Status:                StatusOK,
		ProtocolVersion:       ProtocolVersion,
		Implementation:        info.Implementation,
		ImplementationVersion: info.ImplementationVersion,
		LanguageInfo:          info.Language,
		Banner:                banner,
		HelpLinks:             links,
	}, nil)
}

func (k *Kernel) connect(ch Channel, m *Message) {
	k.reply(ch, m, "connect_reply", ConnectReply{
		ShellPort:   k.info.ShellPort,
		IOPubPort:   k.info.IOPubPort,
		StdinPort:   k.info.StdinPort,
		HBPort:      k.info.HBPort,
		ControlPort: k.info.ControlPort,
	}, nil)
}

// shutdown stops the engine; unless it restarts the engine in place, it
// makes Serve return once the reply is sent. A running cell is
// interrupted first.
func (k *Kernel) shutdown(ch Channel, m *Message) error {
	var c ShutdownRequest
	if err := decode(m, &c); err != nil {
		return err
	}
	k.Interrupt()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	content := ShutdownReply{Status: StatusOK, Restart: c.Restart}
	inPlace := c.Restart && !k.exitOnRestart
	if err := k.engine.Shutdown(ctx, inPlace); err != nil {
		k.log.Error("engine shutdown", "restart", c.Restart, "err", err)
		e := newErrorReply("ShutdownError", err)
		content.Status, content.Error = e.Status, &e.Error
	}
	if inPlace {
		k.mu.Lock()
		k.execCount = 0
		k.mu.Unlock()
		k.hist.restart()
	}
	k.reply(ch, m, "shutdown_reply", content, nil)
	if !inPlace {
		k.requestStop()
	}
	return nil
}

// runeLen clamps a cursor position given in code points to the code.
func clampCursor(code string, pos *int) int {
	n := utf8.RuneCountInString(code)
	if pos == nil || *pos > n {
		return n
	}
	if *pos < 0 {
		return 0
	}
	return *pos
}

func (k *Kernel) complete(m *Message) error {
	var c CompleteRequest
	if err := decode(m, &c); err != nil {
		return err
	}
	comp, err := k.engine.Complete(k.runCtx, c.Code, clampCursor(c.Code, c.CursorPos))
	if err != nil {
		k.reply(Shell, m, "complete_reply", newErrorReply("CompletionError", err), nil)
		return nil
	}
	matches := comp.Matches
	if matches == nil {
		matches = []string{}
	}
	var metadata CompleteMetadata
	if len(comp.Types) > 0 {
		metadata.Types = make([]CompletionItem, 0, len(matches))
		for i, text := range matches {
			item := CompletionItem{Start: comp.CursorStart, End: comp.CursorEnd, Text: text}
			if i < len(comp.Types) {
				item.Type = comp.Types[i]
			}
			if comp.Signatures != nil { // as ipykernel: every item has one, "" when none
				sig := ""
				if i < len(comp.Signatures) {
					sig = comp.Signatures[i]
				}
				item.Signature = &sig
			}
			metadata.Types = append(metadata.Types, item)
		}
	}
	k.reply(Shell, m, "complete_reply", CompleteReply{
		Status:      StatusOK,
		Matches:     matches,
		CursorStart: comp.CursorStart,
		CursorEnd:   comp.CursorEnd,
		Metadata:    metadata,
	}, nil)
	return nil
}

func (k *Kernel) inspect(m *Message) error {
	var c InspectRequest
	if err := decode(m, &c); err != nil {
		return err
	}
	in, err := k.engine.Inspect(k.runCtx, c.Code, clampCursor(c.Code, c.CursorPos), c.DetailLevel)
	if err != nil {
		k.reply(Shell, m, "inspect_reply", newErrorReply("InspectionError", err), nil)
		return nil
	}
	k.reply(Shell, m, "inspect_reply", InspectReply{
		Status:   StatusOK,
		Found:    in.Found,
		Data:     orEmpty(in.Data),
		Metadata: orEmpty(in.Metadata),
	}, nil)
	return nil
}

func (k *Kernel) isComplete(m *Message) error {
	var c IsCompleteRequest
	if err := decode(m, &c); err != nil {
		return err
	}
	cs, err := k.engine.IsComplete(k.runCtx, c.Code)
	if err != nil {
		k.log.Warn("is_complete", "err", err)
		cs = Completeness{Status: "unknown"}
	}
	switch cs.Status {
	case "complete", "invalid", "incomplete":
	default:
		cs.Status = "unknown"
	}
	k.reply(Shell, m, "is_complete_reply", cs, nil)
	return nil
}

func (k *Kernel) historyRequest(m *Message) error {
	var c HistoryRequest
	if err := decode(m, &c); err != nil {
		return err
	}
	k.reply(Shell, m, "history_reply", HistoryReply{Status: StatusOK, History: k.hist.query(c)}, nil)
	return nil
}

// commOpen answers a comm_open with comm_close: spinlab has no comm
// targets, and ipykernel closes comms for unknown targets the same way.
func (k *Kernel) commOpen(m *Message) error {
	var c CommOpen
	if err := decode(m, &c); err != nil {
		return err
	}
	k.log.Info("comm_open for an unknown target", "target_name", c.TargetName, "comm_id", c.CommID)
	k.publish(m.Header, "comm_close", CommClose{CommID: c.CommID, Data: map[string]any{}})
	return nil
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// marshalContent encodes a content value; nil is the empty object.
func marshalContent(v any) (json.RawMessage, error) {
	if v == nil {
		return json.RawMessage("{}"), nil
	}
	return json.Marshal(v)
}
