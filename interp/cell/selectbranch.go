package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// selectBranches moves the branches that leave a select statement out of
// it. yaegi v0.16.1 sends the last statement of a select case to the end
// of the select, so a "continue" ending a case went on after the select
// instead of to the next iteration (select_default left its loop), and
// an unlabeled "break" nested in a case (inside an if) left the enclosing
// loop instead of the select; a continue nested in a case, or a continue
// and a no-op after it, sent the interpreter into endless recursion or an
// endless loop when it compiled the code, and so did a goto out of a case.
// So inside a case:
//
//   - break becomes "break S", S the select's label (one is added);
//   - continue, continue L and goto L (L outside the select) become
//     "{ b = k; break S }", and after the select "if b == k { continue }"
//     runs them, b a fresh variable declared before the select.
//
// A labeled break to a loop outside the select and a return run as in Go
// and are left alone.
func (r *rewriter) selectBranches(u *unit) {
	ast.Inspect(u.file, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectStmt); ok {
			r.selectBranch(u, sel)
		}
		return true
	})
}

func (r *rewriter) selectBranch(u *unit, sel *ast.SelectStmt) {
	inner := map[string]bool{} // labels of statements inside the select
	ast.Inspect(sel.Body, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			inner[l.Label.Name] = true
		}
		return true
	})
	var breaks []*ast.BranchStmt
	var exits []*ast.BranchStmt // continues and gotos that leave the select
	var walk func(n ast.Node, loop, breakable bool)
	walk = func(n ast.Node, loop, breakable bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt:
				walk(m.Body, true, true)
				return false
			case *ast.RangeStmt:
				walk(m.Body, true, true)
				return false
			case *ast.SwitchStmt:
				walk(m.Body, loop, true)
				return false
			case *ast.TypeSwitchStmt:
				walk(m.Body, loop, true)
				return false
			case *ast.SelectStmt:
				walk(m.Body, loop, true)
				return false
			case *ast.BranchStmt:
				switch {
				case m.Tok == token.BREAK && m.Label == nil && !breakable:
					breaks = append(breaks, m)
				case m.Tok == token.CONTINUE && m.Label == nil && !loop:
					exits = append(exits, m)
				case (m.Tok == token.CONTINUE || m.Tok == token.GOTO) && m.Label != nil && !inner[m.Label.Name]:
					exits = append(exits, m)
				}
			}
			return true
		})
	}
	for _, c := range sel.Body.List {
		for _, st := range c.(*ast.CommClause).Body {
			walk(st, false, false)
		}
	}
	if len(breaks) == 0 && len(exits) == 0 {
		return
	}
	r.loops++
	label := fmt.Sprintf("_spinlabS%d", r.loops)
	flag := fmt.Sprintf("_spinlabB%d", r.loops)
	at := u.offset(sel.Pos())
	if len(exits) > 0 {
		u.edit(at, at, flag+" := 0; ")
	}
	u.edit(at, at, label+": ")
	for _, b := range breaks {
		u.edit(u.offset(b.End()), u.offset(b.End()), " "+label)
	}
	if len(exits) == 0 {
		return
	}
	var after []string
	codes := map[string]int{}
	for _, e := range exits {
		text := e.Tok.String()
		if e.Label != nil {
			text += " " + e.Label.Name
		}
		k, ok := codes[text]
		if !ok {
			k = len(codes) + 1
			codes[text] = k
			after = append(after, fmt.Sprintf("if %s == %d { %s }", flag, k, text))
		}
		u.edit(u.offset(e.Pos()), u.offset(e.End()), fmt.Sprintf("{ %s = %d; break %s }", flag, k, label))
	}
	end := u.offset(sel.End())
	u.edit(end, end, "; "+strings.Join(after, "; "))
}
