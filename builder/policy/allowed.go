package policy

import (
	"slices"

	"github.com/iamref/iamref/builder/catalog"
)

// Allowed is the set of actions the document allows, in catalog order:
// the actions of Evaluate's Result.Allowed, without what else a Result
// holds (which statements grant each, findings, names the catalog lacks
// and their suggestions). Comparing the versions of a managed policy needs
// no more, and evaluating every version in full allocated 800 MB a build.
func (e *Engine) Allowed(doc *Document) []*catalog.Action {
	if doc == nil {
		return nil
	}
	sc := e.scratch.Get().(*scratch)
	defer e.scratch.Put(sc)
	// The same generations as Evaluate: statements of each pass, plus two.
	sc.reserve(2*len(doc.Statements) + 2)
	dg := sc.next()
	for _, st := range doc.Statements {
		if st.Valid && st.Effect == Deny && !st.Conditional() && st.AllResources() {
			e.statementSet(sc, st, func(n int32, _ string) { sc.denied[n] = dg })
		}
	}
	g := sc.next()
	var ns []int32
	for _, st := range doc.Statements {
		if !st.Valid || st.Effect != Allow {
			continue
		}
		e.statementSet(sc, st, func(n int32, _ string) {
			if sc.denied[n] == dg || sc.slotGen[n] == g {
				return
			}
			sc.slotGen[n] = g
			ns = append(ns, n)
		})
	}
	slices.Sort(ns)
	out := make([]*catalog.Action, len(ns))
	for i, n := range ns {
		out[i] = e.x.actions[n]
	}
	return out
}
