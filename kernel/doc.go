// Package kernel is spinlab's side of the Jupyter wire protocol: the
// connection file, HMAC signing, the five ZeroMQ sockets, message
// dispatch, busy/idle status, stream batching, history and the stdin
// round trip.
//
// It knows nothing of Go evaluation. It drives an Engine, which it
// defines (engine.go): the engine runs cells and answers completion,
// inspection and is_complete; the kernel owns everything on the wire, the
// execution counter and the history. MIME bundles are display.Bundle
// values, the type that user code and the interpreter build them with:
// package display is a leaf (no sockets, no interpreter), so the kernel
// imports it and neither side converts.
//
// A binary serves a kernel like this:
//
//	info, err := kernel.ReadConnectionFile(path)
//	k, err := kernel.New(info, engine, kernel.Options{Logger: logger, ExitOnRestart: true})
//	if k.ConnectionInfo() != info { // the file gave no ports: tell the front ends
//		err = kernel.WritePorts(path, k.ConnectionInfo())
//	}
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
// malformed frames or JSON, or an unknown type are logged and dropped; a
// signed request whose content has a field of the wrong JSON type gets an
// error reply that names the field. An empty key turns signing off, with
// a warning in the log and in the banner.
//
// Below zmq4 the sockets listen through spinlab's own transport
// (transport.go), which screens connections for a ZMTP greeting, cuts
// any connection whose frame header claims more than a message may hold
// (256 MiB) before zmq4 allocates it (zmtpbound.go), and gives each iopub
// subscriber a bounded queue of its own, so that one that stops reading
// has its messages dropped instead of stalling everyone (sendqueue.go).
//
// Package kerneltest is a Jupyter client for testing a kernel over real
// sockets.
package kernel
