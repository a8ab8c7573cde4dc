package interp

import (
	"context"
	"reflect"
	"sort"
	"strings"

	"github.com/spinlab/spinlab/interp/internal/yaegix"
)

// execute runs code as cell number cell (0 for user expressions: nothing
// is recorded). Callers hold s.cellMu.
func (s *Session) execute(ctx context.Context, code string, cell int) (*Result, error) {
	res := &Result{}
	// An interrupted cell may still be unwinding: let it finish first.
	s.settle(s.interpreter())
	units, err := prepare(s, code, cell)
	if err != nil {
		return res, err
	}
	if len(units) == 0 {
		return res, nil
	}
	if cell > 0 {
		s.redefineTypes(units)
	}
	units = s.dropKnownImports(units)
	if len(units) == 0 {
		return res, nil
	}
	plan := planUnits(units)

	s.stderr.begin(cell)
	defer s.stderr.end()
	type placed struct {
		off, seq int
		def      Definition
	}
	var order []placed
	// Definitions in the cell's order (auto-imports first), also when a
	// later part of the cell fails: they are in the session all the same.
	defer func() {
		sort.Slice(order, func(i, j int) bool {
			if order[i].off != order[j].off {
				return order[i].off < order[j].off
			}
			return order[i].seq < order[j].seq
		})
		for _, p := range order {
			res.Definitions = append(res.Definitions, p.def)
		}
	}()
	var last []reflect.Value
	for gi, g := range plan {
		src := groupSource(g, cell)
		final := gi == len(plan)-1 && finalExpr(g[len(g)-1]) != nil
		var v reflect.Value
		if final {
			v, err = s.run(ctx, groupSourceWrapped(g, cell, true))
			if err != nil && isCompileError(err) {
				// A call with several results.
				v, err = s.run(ctx, groupSourceWrapped(g, cell, false))
			}
			if err != nil && isCompileError(err) {
				// A call with no results cannot be wrapped: evaluate it bare.
				final = false
				v, err = s.run(ctx, src)
			}
		} else {
			v, err = s.run(ctx, src)
		}
		if err != nil {
			uerr := s.userError(ctx, err, cell)
			if e, ok := uerr.(*Error); ok && (e.Message == untypable || strings.Contains(e.Message, "nil type")) {
				e.Name, e.Message = "CompileError", diagnoseUntypable(s, code, cell, units)
				e.Traceback = []string{e.Message}
			}
			if e, ok := uerr.(*Error); ok && e.Name == "CompileError" && yaegix.IsVagueUndefined(e.Message) {
				if pos, name := s.undefinedName(code, cell, units); name != "" {
					e.Message = pos + ": undefined: " + name
				} else if pos, ok := strings.CutSuffix(e.Message, ": constant definition loop"); ok {
					e.Message = pos + ": " + untypedDefine
				} else if pos, ok := strings.CutSuffix(e.Message, ": variable definition loop"); ok {
					e.Message = pos + ": " + untypedDefine
				}
				e.Traceback = []string{e.Message}
			}
			if e, ok := uerr.(*Error); ok && e.Name == "CompileError" && isCompileError(err) {
				// Go's own verdict, all of it, where the session can tell it.
				if lines := s.cellTypeErrors(code, cell, units); len(lines) > 0 {
					e.Message = strings.Join(lines, "\n")
					e.Traceback = firstPositions(e.Message)
				}
			}
			if e, ok := uerr.(*Error); cell > 0 && ok && e.Name != "CompileError" {
				// The group compiled, so the variables it declares exist,
				// whatever their values: they are definitions, which a
				// replacement of the evaluator names as lost.
				for _, u := range g {
					for _, d := range s.unitDefinitions(u) {
						if d.Kind == kindVar {
							s.record(d)
							order = append(order, placed{u.Off(), len(order), d})
						}
					}
				}
			}
			return res, uerr
		}
		if perr := s.stderr.goroutinePanic(); perr != nil {
			return res, perr
		}
		if cell > 0 {
			var made, redefined []Definition
			for _, u := range g {
				for _, d := range s.unitDefinitions(u) {
					if old, ok := s.definition(d.Name); ok && rebinds(old, d) {
						redefined = append(redefined, d)
					}
					s.record(d)
					s.noteOrigin(u, d, cell)
					s.afterDefine(d)
					made = append(made, d)
					order = append(order, placed{u.Off(), len(order), d})
				}
			}
			s.rebind(redefined, made)
		}
		if final {
			last = values(v)
		}
	}
	// Give goroutines the cell started a chance to report a panic that
	// happened while the cell ran.
	if perr := s.stderr.goroutinePanic(); perr != nil {
		return res, perr
	}
	if last != nil {
		if b, ok := bundleOf(last); ok {
			res.Value = &b
		}
	}
	return res, nil
}
