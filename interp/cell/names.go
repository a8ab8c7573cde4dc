package cell

// Names that rewritten cells use and the session declares in every
// interpreter (its prelude and support package). They start with
// _spinlab, so that completion hides them.
const (
	// RuntimePath is the session's package of compiled support
	// functions, imported as RuntimeName.
	RuntimePath = "spinlab.dev/rt"
	// RuntimeName is the name under which rewritten cells call the
	// support package.
	RuntimeName = "_spinlabrt"
	// ValuesFunc collects the results of a cell's final expression;
	// ValueFunc collects a final expression of exactly one result.
	ValuesFunc = "_spinlabValues"
	ValueFunc  = "_spinlabValue"
	// RichFunc makes a value that displays itself visible as such to
	// compiled code (display.Show, Handle.Update).
	RichFunc = "_spinlabRich"
	// AtVar holds the position of the top-level statement running
	// (stmtpos.go).
	AtVar = atVar
)

const (
	rtName     = RuntimeName
	valuesFunc = ValuesFunc
	valueFunc  = ValueFunc
	richFunc   = RichFunc
)
