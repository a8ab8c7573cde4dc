package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/spinlab/spinlab/internal/idlemem"
)

// idleReleaseMin is how much requests must have allocated since the last
// release for Options.IdleRelease to collect: not worth a collection for
// a few status messages.
const idleReleaseMin = 1 << 20

// Options configures a Kernel.
type Options struct {
	// Logger receives what the kernel logs: dropped messages, engine
	// failures. Nil discards logs.
	Logger *slog.Logger
	// StreamFlush is how long stream output may be held back to be
	// coalesced into one message; 0 means 50ms.
	StreamFlush time.Duration
	// ExitOnRestart makes a shutdown_request with restart: true end Serve
	// like one without (the engine is shut down, not restarted). Set it
	// when Jupyter manages the process: jupyter_client restarts a kernel
	// by starting a new process, and kills one that has not exited
	// within its shutdown_wait_time (5s). Without it, the kernel restarts
	// the engine in place and keeps serving.
	ExitOnRestart bool
	// IdleRelease, if positive, is how long the kernel waits, idle after
	// a request, before it collects the garbage that requests left behind
	// (a large output's messages) and gives the free pages back to the
	// OS (package idlemem); requests within it cancel that. 0 leaves
	// memory to the runtime's own pace.
	IdleRelease time.Duration
}

// Kernel serves an Engine over the five sockets of the Jupyter protocol.
//
// Goroutines, and what each owns:
//   - heartbeat: the hb REP socket, receive and send.
//   - for shell, control and stdin, a reader owns the receive side of the
//     ROUTER socket and a writer its send side (zmq4 guards the two sides
//     with separate locks, so one receiver and one sender never race;
//     everything else hands the writer frames over a channel).
//   - publisher: the iopub PUB socket and the pending stream text.
//   - shellWorker: runs shell requests one at a time (it calls the
//     engine), so that controlWorker keeps serving interrupt, shutdown and
//     kernel_info while a cell runs.
type Kernel struct {
	info   ConnectionInfo
	engine Engine
	// langInfo is engine.Info(), asked once in New: kernel_info is also
	// answered on control, while the engine may be running a cell.
	langInfo      Info
	log           *slog.Logger
	signer        *Signer
	session       string
	digests       *digestSet
	hist          *history
	flush         time.Duration
	exitOnRestart bool
	idle          *idlemem.Releaser // nil without Options.IdleRelease

	shellSock, controlSock, stdinSock, iopubSock, hbSock zmq4.Socket

	shellOut, controlOut, stdinOut chan [][]byte // frames for the writers
	iopub                          chan iopubEvent
	shellIn, controlIn             chan *Message
	quickIn                        chan *Message // shell requests answered beside a long cell (answersAtOnce)
	cellStart                      atomic.Int64  // UnixNano when the running execute started; 0 between cells

	stop        chan struct{} // closed when Serve is to return
	stopOnce    sync.Once
	workersDone chan struct{} // closed when the workers have returned (or were given up on)
	dead        chan struct{} // closed when the sockets are closed
	closeOnce   sync.Once
	served      atomic.Bool

	// runCtx is the parent of every engine call; cancelled when Serve stops.
	runCtx    context.Context
	cancelAll context.CancelFunc

	mu        sync.Mutex
	cancelRun context.CancelFunc         // cancels the running execute, if any
	execCount int                        // the last execution_count given
	inputs    map[string]chan inputReply // input_request msg_id -> waiter
}

// unsignedWarning is logged, and added to the banner, when the
// connection file's key is empty.
const unsignedWarning = "message signing is off: the connection file's key is empty, so any process that can reach the kernel's ports can run code in it"

// New binds the kernel's sockets to the addresses of info. Call Serve to
// answer requests, or Close to release the sockets without serving.
func New(info ConnectionInfo, engine Engine, opts Options) (*Kernel, error) {
	if engine == nil {
		return nil, errors.New("kernel.New: nil engine")
	}
	if info.Transport == "" {
		info.Transport = "tcp"
	}
	if info.IP == "" {
		info.IP = "127.0.0.1"
	}
	if err := info.check(); err != nil {
		return nil, err
	}
	signer, _ := NewSigner(info.SignatureScheme, info.Key)
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	flush := opts.StreamFlush
	if flush <= 0 {
		flush = 50 * time.Millisecond
	}
	runCtx, cancelAll := context.WithCancel(context.Background())
	k := &Kernel{
		info:          info,
		engine:        engine,
		langInfo:      engine.Info(),
		log:           logger,
		signer:        signer,
		session:       NewSession(),
		digests:       newDigestSet(1 << 14),
		hist:          newHistory(100000),
		flush:         flush,
		exitOnRestart: opts.ExitOnRestart,
		shellOut:      make(chan [][]byte, 64),
		controlOut:    make(chan [][]byte, 64),
		stdinOut:      make(chan [][]byte, 16),
		iopub:         make(chan iopubEvent, 256),
		shellIn:       make(chan *Message, 256),
		controlIn:     make(chan *Message, 64),
		quickIn:       make(chan *Message, 64),
		stop:          make(chan struct{}),
		workersDone:   make(chan struct{}),
		dead:          make(chan struct{}),
		runCtx:        runCtx,
		cancelAll:     cancelAll,
		inputs:        map[string]chan inputReply{},
	}
	if opts.IdleRelease > 0 {
		k.idle = idlemem.New(opts.IdleRelease, idleReleaseMin)
	}
	if !signer.Signs() {
		// jupyter_client warns too; without a key, anyone who can reach
		// the ports can run code.
		logger.Warn(unsignedWarning)
	}
	if err := k.bind(); err != nil {
		k.closeSockets()
		cancelAll()
		return nil, err
	}
	return k, nil
}

// ConnectionInfo returns the connection the kernel is bound to, with the
// ports it picked for ports given as 0.
func (k *Kernel) ConnectionInfo() ConnectionInfo { return k.info }

// Close releases the sockets of a kernel that is not serving. Serve
// closes them itself when it returns.
func (k *Kernel) Close() error {
	if k.served.Load() {
		return errors.New("kernel: Close while Serve runs; cancel Serve's context instead")
	}
	k.served.Store(true)
	k.requestStop()
	k.closeSockets()
	k.cancelAll()
	close(k.workersDone)
	close(k.dead)
	return nil
}

// Interrupt cancels the context of the running execute, if any, as an
// interrupt_request does. It is what SIGINT should do.
func (k *Kernel) Interrupt() {
	k.mu.Lock()
	cancel := k.cancelRun
	k.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// requestStop makes Serve return.
func (k *Kernel) requestStop() { k.stopOnce.Do(func() { close(k.stop) }) }

// Serve answers requests until a shutdown_request without restart or
// until ctx is done, then closes the sockets and returns nil. A kernel
// serves once.
func (k *Kernel) Serve(ctx context.Context) error {
	if !k.served.CompareAndSwap(false, true) {
		return errors.New("kernel: Serve called twice or after Close")
	}
	var sockets, writers, workers sync.WaitGroup
	sockets.Go(k.heartbeat)
	sockets.Go(func() { k.reader(Shell, k.shellSock, k.shellIn) })
	sockets.Go(func() { k.reader(Control, k.controlSock, k.controlIn) })
	sockets.Go(func() { k.reader(Stdin, k.stdinSock, nil) })
	writers.Go(func() { k.writer(Shell, k.shellSock, k.shellOut) })
	writers.Go(func() { k.writer(Control, k.controlSock, k.controlOut) })
	writers.Go(func() { k.writer(Stdin, k.stdinSock, k.stdinOut) })
	writers.Go(k.publisher)

	k.publish(Header{}, "status", StatusContent{ExecutionState: "starting"})
	workers.Go(k.shellWorker)
	workers.Go(k.controlWorker)
	workers.Go(k.quickWorker)

	select {
	case <-ctx.Done():
	case <-k.stop:
	}
	k.requestStop()
	k.Interrupt()
	k.cancelAll()
	if !waitTimeout(&workers, 5*time.Second) {
		k.log.Error("engine did not return after cancellation; closing the sockets anyway")
	}
	close(k.workersDone)
	if !waitTimeout(&writers, 5*time.Second) {
		k.log.Error("sockets did not drain in time")
	}
	// The PUB socket sends from its own queue: give it a moment to put the
	// last messages (shutdown's status idle) on the wire.
	time.Sleep(50 * time.Millisecond)
	k.closeSockets()
	if !waitTimeout(&sockets, 5*time.Second) {
		k.log.Error("socket readers did not stop in time")
	}
	close(k.dead)
	return nil
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// newMessage returns a message of the kernel's session with parent as
// its parent header.
func (k *Kernel) newMessage(parent Header, msgType string, content any) (*Message, error) {
	user := parent.Username
	if user == "" {
		user = "spinlab"
	}
	m := &Message{Header: NewHeader(k.session, user, msgType), Parent: parent}
	if err := m.setContent(content); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Message) setContent(v any) error {
	b, err := marshalContent(v)
	if err != nil {
		return fmt.Errorf("encode %s content: %w", m.Header.MsgType, err)
	}
	m.Content = b
	return nil
}

// reply sends the reply to req on the channel req came from.
func (k *Kernel) reply(ch Channel, req *Message, msgType string, content any, metadata map[string]any) {
	m, err := k.newMessage(req.Header, msgType, content)
	if err != nil {
		k.log.Error("reply", "msg_type", msgType, "err", err)
		return
	}
	m.Identities = req.Identities
	m.Metadata = metadata
	k.send(ch, m)
}
