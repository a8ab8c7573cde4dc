// Package kernel is spinlab's side of the Jupyter wire protocol: the
// connection file, HMAC signing, the five ZeroMQ sockets, message
// dispatch, busy/idle status, stream batching, history and the stdin
// round trip.
//
// It knows nothing of Go evaluation. It drives an Engine, which it
// defines (engine.go): the engine runs cells and answers completion,
// inspection and is_complete; the kernel owns everything on the wire, the
// execution counter and the history.
//
// A binary serves a kernel like this:
//
//	info, err := kernel.ReadConnectionFile(path)
//	k, err := kernel.New(info, engine, kernel.Options{Logger: logger, ExitOnRestart: true})
//	err = k.Serve(ctx) // until shutdown_request or ctx is done
//
// and turns SIGINT into k.Interrupt(), which cancels the running cell as
// an interrupt_request does, and SIGTERM into cancelling ctx.
// ExitOnRestart is for processes that Jupyter manages: jupyter_client
// restarts a kernel by starting a new process.
//
// Shell requests run one at a time in their own goroutine, so heartbeat
// and control (interrupt, shutdown, kernel_info) are answered while a cell
// runs. Messages with a wrong or missing signature, a replayed signature,
// malformed frames or JSON, or an unknown type are logged and dropped.
//
// Package kerneltest is a Jupyter client for testing a kernel over real
// sockets.
package kernel
