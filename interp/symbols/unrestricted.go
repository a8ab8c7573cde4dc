package symbols

import (
	"log"
	"os"
)

// yaegi extract names a few symbols of os and log after helpers rather
// than the functions themselves, so that a sandbox can define the helpers
// to refuse. A spinlab session is not a sandbox: it starts and signals
// processes, and it overrides os.Exit and log.Fatal* itself (see interp's
// overrides). The helpers are the real symbols.
var (
	osExit        = os.Exit
	osFindProcess = os.FindProcess
	logFatal      = log.Fatal
	logFatalf     = log.Fatalf
	logFatalln    = log.Fatalln
	logNew        = log.New
)

type logLogger = log.Logger
