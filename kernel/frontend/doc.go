// Package frontend is a Jupyter client in Go: it connects to a kernel's
// five ZeroMQ sockets, signs what it sends and checks what it receives,
// and gathers per request the reply and the iopub messages up to status
// idle. Every failure is an error: it never fails a test or exits.
//
// Dial connects from a kernel.ConnectionInfo (kernel.ReadConnectionFile
// reads one from a connection file) and WaitReady waits until iopub
// delivers. Execute, KernelInfo, Complete, Inspect, IsComplete, History,
// Interrupt and Shutdown send one request and wait for what it brings
// back; Execute's Result has the cell's output decoded (streams
// concatenated per name, displays, execute_result, error). Lower down,
// Send queues a request without waiting and Collect, WaitReply, WaitIdle
// and Next take what arrived from the client's inbox; SendRaw sends
// arbitrary frames, OnInput answers input requests, Heartbeat pings the
// heartbeat socket.
//
// Every Exchange records when its request was sent and when its reply
// and status idle arrived, stamped by the socket's reader as each message
// came in, and the client sends each message with one writev through the
// kernel package's buffered transport: kernelbench measures kernels with
// it. kerneltest wraps it for tests, turning its errors into test
// failures (Unbuffered and Strict, as zmq4 front ends send and as a test
// wants to check).
//
// The typed contents of requests and replies are the kernel package's
// (kernel.ExecuteRequestContent, kernel.CompleteReply, ...): the kernel
// and this client share them.
package frontend
