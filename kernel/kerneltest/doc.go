// Package kerneltest is a Jupyter front end in Go for testing kernels over
// real ZeroMQ sockets, as net/http/httptest is for HTTP.
//
// NewServer starts a kernel in-process for an engine on free ports and
// returns a Client connected to it; Connect reaches a kernel started
// elsewhere (a built binary given the file of NewConnectionFile).
//
// A Client's methods read like a conversation: Execute returns the
// execute_reply together with everything the cell published on iopub up to
// status idle (streams concatenated per name, displays, execute_result,
// error); KernelInfo, Complete, Inspect, IsComplete, History, Interrupt
// and Shutdown send one request and wait for its reply. Send, WaitReply,
// WaitIdle and Next give full control (requests queued without waiting,
// messages that arrive late), SendRaw sends hostile frames, OnInput answers
// input requests, and Heartbeat pings the heartbeat socket.
//
// Every wait is bounded by Client.Timeout: a kernel that does not answer
// fails the test instead of hanging it.
//
// The client underneath is kernel/frontend's (Client.Frontend), which
// returns errors: kerneltest turns them into test failures, and decodes
// strictly, reporting at the end of the test every malformed message the
// kernel sent. Result is frontend.Result.
package kerneltest
