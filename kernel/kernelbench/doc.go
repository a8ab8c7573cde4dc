// Package kernelbench measures Jupyter kernels over the Jupyter protocol,
// side by side: any installed kernelspec (spinlab, ipykernel, ...) is
// started from its kernel.json argv with a fresh connection file, as
// jupyter_client starts it, and timed from a Go front end over real
// ZeroMQ sockets.
//
// Run takes the kernels in turns, round by round, so that drift of the
// machine (frequency scaling, other load) affects all of them alike, and
// measures per kernel: cold start to the first kernel_info_reply, the
// round trip of a trivial cell (execute_reply and status idle), a cell
// printing 10,000 lines until idle with every line checked, a
// complete_request round trip, a 1,000-point line chart until idle, and
// the idle resident memory of the kernel process and, apart, of the
// processes it started (spinlab's evaluator). Report.WriteTable prints
// medians, 95th percentiles and ratios against the first kernel.
//
// The `spinlab bench-kernel` command is its front end. The client is
// kernel/frontend's, which reports errors instead of failing a test and
// stamps each reply and status idle as its socket's reader receives it.
package kernelbench
