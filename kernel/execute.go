package kernel

import (
	"context"
	"fmt"
	"time"

	"github.com/spinlab/spinlab/display"
)

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// execute runs a cell and returns how many queued shell requests are to
// be aborted after an error with stop_on_error: those queued before the
// reply goes out, counted before it does.
//
// As in ipykernel, the execution count grows only for cells that are
// stored in history (store_history and not silent), and a silent cell
// publishes no execute_input, execute_result or error.
func (k *Kernel) execute(m *Message) (abort int, err error) {
	var c ExecuteRequestContent
	if err := decode(m, &c); err != nil {
		return 0, err
	}
	store := boolOr(c.StoreHistory, true) && !c.Silent
	k.mu.Lock()
	if store {
		k.execCount++
	}
	count := k.execCount
	k.mu.Unlock()

	started := time.Now().UTC().Format(time.RFC3339Nano)
	if !c.Silent {
		k.publish(m.Header, "execute_input", ExecuteInput{Code: c.Code, ExecutionCount: count})
	}
	out := &cellOutput{k: k, parent: m.Header, ids: m.Identities, allowStdin: boolOr(c.AllowStdin, true)}
	req := ExecuteRequest{
		Code:            c.Code,
		Silent:          c.Silent,
		StoreHistory:    store,
		AllowStdin:      out.allowStdin,
		UserExpressions: c.UserExpressions,
		ExecutionCount:  count,
	}
	ctx, cancel := context.WithCancel(k.runCtx)
	k.mu.Lock()
	k.cancelRun = cancel
	k.mu.Unlock()
	k.cellStart.Store(time.Now().UnixNano())
	r := k.runEngine(ctx, req, out)
	k.cellStart.Store(0)
	k.mu.Lock()
	k.cancelRun = nil
	k.mu.Unlock()
	cancel()

	status := r.Status
	if status == "" {
		status = StatusOK
		if r.Error != nil {
			status = StatusError
		}
	}
	if status == StatusError && r.Error == nil {
		r.Error = &Error{Name: "Error", Value: "the cell failed without an error message"}
	}
	content := ExecuteReplyContent{Status: status, ExecutionCount: count}
	switch status {
	case StatusOK:
		if r.Result != nil && !c.Silent {
			k.publish(m.Header, "execute_result", ExecuteResult{
				ExecutionCount: count,
				Data:           orEmpty(r.Result.Data),
				Metadata:       orEmpty(r.Result.Metadata),
			})
		}
		content.UserExpressions, content.Payload = r.UserExpressions, r.Payload
	case StatusError:
		e := *r.Error
		if e.Traceback == nil {
			e.Traceback = []string{}
		}
		if !c.Silent {
			k.publish(m.Header, "error", e)
		}
		content.Error = &e
	}
	if store {
		k.hist.add(count, c.Code, textPlain(r.Result))
	}
	if status == StatusError && boolOr(c.StopOnError, true) {
		abort = len(k.shellIn)
	}
	k.reply(Shell, m, "execute_reply", content, map[string]any{
		"started": started, "dependencies_met": true, "engine": k.session, "status": status,
	})
	return abort, nil
}

// runEngine calls Engine.Execute, turning a panic into an error reply so
// that a broken engine never takes the kernel down.
func (k *Kernel) runEngine(ctx context.Context, req ExecuteRequest, out Output) (r ExecuteReply) {
	defer func() {
		if p := recover(); p != nil {
			k.log.Error("engine panicked in Execute", "panic", p)
			r = ExecuteReply{Status: StatusError, Error: &Error{
				Name:      "EngineError",
				Value:     fmt.Sprintf("the kernel's engine failed: %v", p),
				Traceback: []string{},
			}}
		}
	}()
	return k.engine.Execute(ctx, req, out)
}

// textPlain returns the text/plain of a result for history, if any.
func textPlain(d *display.Bundle) *string {
	if d == nil {
		return nil
	}
	if s, ok := d.Data["text/plain"].(string); ok {
		return &s
	}
	return nil
}
