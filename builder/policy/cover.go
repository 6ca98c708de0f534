package policy

// What a statement's Action or NotAction matches in the engine's catalog
// depends on its patterns alone, and under Options.Incremental it is
// remembered with the statement's parse (the actionSet parseMemo keeps,
// by the statement's bytes), as its checks and its parse are: a keystroke
// in /analyze/ then matches only the patterns of the statement it
// touched, where it matched every pattern of the document two or three
// times (the allows, the denied count, the names that match nothing).
// How the statements combine (Deny, NotAction, the grants) is computed
// afresh every time from these sets: only what one statement matches is
// remembered.

// coverSet is what a statement's patterns match: statementSet's calls,
// in its order, and whether each pattern matches anything.
type coverSet struct {
	// pairs are statementSet's (action, pattern) calls; for NotAction
	// (pattern -1) every action none of the patterns matches. Nil, with
	// big, when there were more than maxCoverPairs (Engine.coverPairs
	// when set): then statementSet runs every time.
	pairs   []coverPair
	big     bool
	matched []bool // by pattern: it matches some action
}

type coverPair struct{ n, pattern int32 }

// The bounds of the remembered sets: a statement that matches more than
// maxCoverPairs actions (a "*", a NotAction) is matched every time, and
// an engine stops remembering pairs past maxCoverBytes of them.
const (
	maxCoverPairs = 4096
	maxCoverBytes = 16 << 20
)

// cover is what st's patterns match, remembered in set, the actionSet of
// st's parse; nil when set is nil (the statement is not remembered).
// set belongs to this engine's memo: the actions are numbered by its
// index.
func (e *Engine) cover(sc *scratch, st *Statement, set *actionSet) *coverSet {
	if set == nil {
		return nil
	}
	if c := set.cover.Load(); c != nil {
		return c
	}
	c := &coverSet{matched: make([]bool, len(st.Action))}
	limit := e.coverPairs
	if limit == 0 {
		limit = maxCoverPairs
	}
	add := func(n int32, pattern int) {
		switch {
		case c.big:
		case len(c.pairs) == limit:
			c.pairs, c.big = nil, true
		default:
			c.pairs = append(c.pairs, coverPair{n, int32(pattern)})
		}
	}
	// As statementSet goes.
	for i, p := range st.Action {
		sc.nums = e.match(sc, p.Text, sc.nums[:0])
		c.matched[i] = len(sc.nums) > 0
		if st.HasAction {
			for _, n := range sc.nums {
				add(n, i)
			}
		}
	}
	if !st.HasAction {
		e.statementSet(sc, st, func(n int32, _ string) { add(n, -1) })
	}
	if !c.big && e.coverBytes.Add(int64(8*len(c.pairs))) > maxCoverBytes {
		c.pairs, c.big = nil, true
	}
	// Two analyses may compute it at once; they store the same set.
	set.cover.Store(c)
	return c
}

// statementSetOf is statementSet, from what set remembers when it can.
func (e *Engine) statementSetOf(sc *scratch, st *Statement, set *actionSet, fn func(n int32, pattern string)) {
	c := e.cover(sc, st, set)
	if c == nil || c.big {
		e.statementSet(sc, st, fn)
		return
	}
	for _, p := range c.pairs {
		if p.pattern < 0 {
			fn(p.n, "")
		} else {
			fn(p.n, st.Action[p.pattern].Text)
		}
	}
}

// matchesAnyOf is matchesAny of st's pattern i, from what set remembers
// when it can.
func (e *Engine) matchesAnyOf(sc *scratch, st *Statement, set *actionSet, i int) bool {
	if c := e.cover(sc, st, set); c != nil {
		return c.matched[i]
	}
	return e.matchesAny(sc, st.Action[i].Text)
}

// setAt is the remembered actionSet of statement k, or nil.
func setAt(acts []*actionSet, k int) *actionSet {
	if k < len(acts) {
		return acts[k]
	}
	return nil
}
