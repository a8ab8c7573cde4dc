// Package child is the one way spinlab starts a child process and talks
// to it: the kernel starts its evaluator (`spinlab eval`) with it, the
// evaluator its process-mode workers (`spinlab worker`) and compiled
// workers (any binary that speaks the worker protocol).
//
// # Parent side
//
// Start runs a Spec (argv, environment, directory, memory limit) as a
// Process:
//
//   - in its own process group, so that Kill takes along whatever the
//     child started in that group;
//   - with a parent-death signal (SIGKILL unless the Spec says otherwise),
//     sent from a fork thread that lives as long as this process: Linux
//     sends the signal when the thread that forked the child exits, and Go
//     retires threads (every locked goroutine that returns takes its
//     thread along), so every child is forked from one OS thread that
//     never exits. macOS has no such signal: there the child watches
//     for its parent's exit itself (a kqueue filter set up by Open) and
//     sends itself the signal;
//   - with stdin on /dev/null, stdout and stderr on pipes whose read ends
//     are Process.Stdout and Process.Stderr (the caller must read them, or
//     the child blocks once a pipe buffer is full), unless the Spec gives
//     a stdout of its own;
//   - with the Spec's extra files, if any, on fds 5 and up;
//   - with a framed channel (package internal/framing): Process.Send
//     writes to the child, Process.Receive reads what it wrote.
//
// When the child exits, the Process kills what is left of its process
// group before reaping it (while the child is an unreaped zombie its pid,
// and so its group id, cannot be reused by an unrelated process).
//
// # Child side
//
// The channel reaches the child as file descriptors 3 (parent → child)
// and 4 (child → parent), and the environment variable SPINLAB_CHANNEL
// (EnvChannel) set to "3,4" vouches for them: a process started some other
// way may have anything on fds 3 and 4, such as its own runtime's
// descriptors. Open checks the variable and removes it from the
// environment, applies the memory limit that SPINLAB_MEMORY_LIMIT
// (EnvMemoryLimit) asks for, moves the channel to new close-on-exec
// descriptors, and puts /dev/null (also close-on-exec) on 3 and 4. So
//
//   - nothing the child runs (a cell's exec.Command, a snippet's) inherits
//     the channel;
//   - user code that closes fd 3 or 4, or dup2s over them, touches only
//     the placeholders, never the channel.
//
// A program that cannot import this package (the Go source the compiled
// runner generates) does the same by hand: check SPINLAB_CHANNEL == "3,4",
// unset it, setrlimit(RLIMIT_AS) from SPINLAB_MEMORY_LIMIT when set, and
// read frames from fd 3 and write them to fd 4 (the frame format is
// documented in internal/framing).
//
// # Descendants
//
// Descendants, KillDescendants and BecomeSubreaper find and end every
// process below a pid, at any depth, by the parent links in the process
// table (/proc on Linux, sysctl kern.proc on macOS; subreapers are
// Linux's alone, so BecomeSubreaper fails elsewhere); the
// kernel and the evaluator use them so that nothing a session started
// outlives it (see their docs for what can still escape).
package child
