package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/iampattern"
)

// Engine evaluates policies against one catalog. Build it once with
// NewEngine; it is safe for concurrent use.
type Engine struct {
	cat        *catalog.Catalog
	x          *index
	keys       *keyIndex
	scratch    sync.Pool // *scratch
	suggested  sync.Map  // lower-case pattern → []string, the suggestions for it
	suggestedN atomic.Int64
	wild       sync.Map // lower-case wildcard pattern → []int32, what it matches
	wildN      atomic.Int64
	formats    sync.Map // ARN format → arnPattern (resources.go)
	checks     checkMemo
	parses     parseMemo
	coverBytes atomic.Int64 // of the remembered coverSets' pairs
	renewals   atomic.Int64 // how many times renewMemos started the memos afresh (for the tests)
	coverPairs int          // the most pairs a coverSet holds; 0: maxCoverPairs (a test sets more)
}

// maxCachedPatterns bounds the wildcard-match cache (the managed policies
// hold about 1,700 distinct wildcard patterns).
const maxCachedPatterns = 1 << 15

// match appends the numbers of the actions pattern matches to dst. Literal
// patterns are a map lookup without allocation; wildcard results are
// remembered, since policies share most of their patterns.
func (e *Engine) match(sc *scratch, pattern string, dst []int32) []int32 {
	sc.lower = sc.lower[:0]
	wild := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c >= utf8.RuneSelf:
			// Unicode folding is not ToLower: let the index check everything.
			return e.x.match(pattern, dst)
		case c == '*' || c == '?':
			wild = true
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		sc.lower = append(sc.lower, c)
	}
	if wild {
		return e.matchWild(string(sc.lower), dst)
	}
	return append(dst, e.x.exact[string(sc.lower)]...)
}

// matchWild matches a lower-case ASCII pattern with wildcards.
func (e *Engine) matchWild(key string, dst []int32) []int32 {
	if v, ok := e.wild.Load(key); ok {
		return append(dst, v.([]int32)...)
	}
	nums := e.x.match(key, nil)
	if e.wildN.Load() < maxCachedPatterns {
		if _, loaded := e.wild.LoadOrStore(key, nums); !loaded {
			e.wildN.Add(1)
		}
	}
	return append(dst, nums...)
}

// NewEngine indexes the catalog for evaluation.
func NewEngine(c *catalog.Catalog) *Engine {
	e := &Engine{cat: c, x: newIndex(c), keys: newKeyIndex(c)}
	e.scratch.New = func() any { return newScratch(len(e.x.actions)) }
	return e
}

// Catalog is the catalog the engine evaluates against.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat }

// Parse parses a policy document; see the package-level Parse.
func (e *Engine) Parse(src []byte) (*Document, []Finding) { return Parse(src) }

// Match returns the catalog actions a single pattern matches, in catalog order.
func (e *Engine) Match(pattern string) []*catalog.Action {
	nums := e.x.match(pattern, nil)
	out := make([]*catalog.Action, len(nums))
	for i, n := range nums {
		out[i] = e.x.actions[n]
	}
	return out
}

// matchesAny reports whether the pattern matches at least one action.
func (e *Engine) matchesAny(sc *scratch, pattern string) bool {
	sc.nums = e.match(sc, pattern, sc.nums[:0])
	return len(sc.nums) > 0
}

// Suggest offers catalog names for a pattern that matches nothing.
func (e *Engine) Suggest(pattern string) []string { return e.suggest(pattern) }

// suggest memoizes index.suggest: the same unknown names recur across
// policies. Each caller gets its own copy.
func (e *Engine) suggest(pattern string) []string {
	key := strings.ToLower(pattern)
	if v, ok := e.suggested.Load(key); ok {
		return slices.Clone(v.([]string))
	}
	s := e.x.suggest(pattern)
	// Bounded as the wildcards are: in /analyze/ every keystroke in a
	// misspelt name is a pattern of its own.
	if e.suggestedN.Load() < maxCachedPatterns {
		if _, loaded := e.suggested.LoadOrStore(key, s); !loaded {
			e.suggestedN.Add(1)
		}
	}
	return slices.Clone(s)
}

// GrantRef names the statement and pattern behind a grant or a deny.
type GrantRef struct {
	Statement int // 0-based index into Document.Statements
	Sid       string
	// Pattern is the author's spelling of the Action pattern that matched.
	// It is "" when the statement uses NotAction: then the action is
	// covered because none of the NotAction patterns matches it.
	Pattern   string
	NotAction bool
}

// Grant is one action a policy allows.
type Grant struct {
	Action    *catalog.Action
	GrantedBy []GrantRef // in statement order, then pattern order
	// Conditional: every granting statement has a Condition.
	Conditional bool
	// ResourceScoped: no granting statement has Resource "*" (NotResource counts as scoped).
	ResourceScoped bool
	// PartlyDenied: a Deny that has a Condition or is not on Resource "*" also matches it.
	PartlyDenied bool
	DeniedBy     []GrantRef
}

// UnknownAction is a pattern of the policy that matches no catalog action.
type UnknownAction struct {
	Pattern     string // the author's spelling
	Statement   int
	Sid         string
	Effect      Effect
	NotAction   bool // listed under NotAction
	Line, Col   int
	Suggestions []string
}

// Result is what a policy allows, by the rules in the package doc.
type Result struct {
	Allowed []Grant // in catalog order, each action once
	// Unknown lists the literal actions (no wildcard) the policy names that
	// the catalog lacks, in source order. They are never dropped: the
	// catalog and a policy may be weeks apart.
	Unknown []UnknownAction
	// Unmatched lists the wildcard patterns that match no catalog action.
	Unmatched []UnknownAction
	// Denied counts the actions an Allow covers that an unconditional Deny
	// on Resource "*" removes.
	Denied   int
	Findings []Finding // the document's findings and the evaluation's, by position
}

// Grant returns the grant of the action, or nil when the policy does not allow it.
func (r *Result) Grant(a *catalog.Action) *Grant {
	i := sort.Search(len(r.Allowed), func(i int) bool { return !actionLess(r.Allowed[i].Action, a) })
	if i < len(r.Allowed) && r.Allowed[i].Action == a {
		return &r.Allowed[i]
	}
	return nil
}

func actionLess(a, b *catalog.Action) bool {
	if a.Service.Prefix != b.Service.Prefix {
		return a.Service.Prefix < b.Service.Prefix
	}
	return a.Name < b.Name
}

// scratch holds per-evaluation marks over action numbers. Marks carry a
// generation so nothing needs clearing between uses.
//
// Each array belongs to one purpose, so that a generation taken for one
// (say, a NotAction's exclusions) never disturbs another (the denied count).
type scratch struct {
	gen     uint32
	excl    []uint32 // excl[n] == gen: a NotAction pattern matches n (statementSet)
	counted []uint32 // counted[n] == gen: n is counted in Result.Denied
	denied  []uint32 // denied[n] == gen: an unconditional Deny on "*" covers n
	slot    []int32  // grant index of n, valid when slotGen[n] == gen
	slotGen []uint32
	nums    []int32
	lower   []byte
	refs    []GrantRef // Evaluate's
	pairs   []pair
}

func newScratch(n int) *scratch {
	return &scratch{
		excl: make([]uint32, n), counted: make([]uint32, n), denied: make([]uint32, n),
		slot: make([]int32, n), slotGen: make([]uint32, n),
	}
}

// next starts a new generation.
func (s *scratch) next() uint32 {
	s.gen++
	return s.gen
}

// reserve makes sure k more generations fit before the counter wraps,
// clearing every mark when they would not.
func (s *scratch) reserve(k int) {
	if uint64(s.gen)+uint64(k) >= 1<<32-1 {
		clear(s.excl)
		clear(s.counted)
		clear(s.denied)
		clear(s.slotGen)
		s.gen = 0
	}
}

// statementSet calls fn for every action number the statement covers:
// with Action, each number every pattern matches, with the pattern; with
// NotAction, every number none of its patterns matches, with pattern "".
func (e *Engine) statementSet(sc *scratch, st *Statement, fn func(n int32, pattern string)) {
	if st.HasAction {
		for _, p := range st.Action {
			sc.nums = e.match(sc, p.Text, sc.nums[:0])
			for _, n := range sc.nums {
				fn(n, p.Text)
			}
		}
		return
	}
	g := sc.next()
	for _, p := range st.Action {
		sc.nums = e.match(sc, p.Text, sc.nums[:0])
		for _, n := range sc.nums {
			sc.excl[n] = g
		}
	}
	for n, x := range sc.excl {
		if x != g {
			fn(int32(n), "")
		}
	}
}

type pair struct {
	n   int32
	ref int32 // index into refs
}

// Evaluate computes the actions the document allows. A nil document allows nothing.
func (e *Engine) Evaluate(doc *Document) *Result { return e.evaluate(doc, nil) }

// evaluate is Evaluate, with what the statements match from acts, the
// actionSets of their parses, where it holds them (cover.go).
func (e *Engine) evaluate(doc *Document, acts []*actionSet) *Result {
	r := &Result{}
	if doc == nil {
		return r
	}
	r.Findings = append(r.Findings, doc.Findings...)
	sc := e.scratch.Get().(*scratch)
	defer e.scratch.Put(sc)
	// Generations used below: one per statement at most in each of the
	// passes (deny, allow, count, partial deny), plus four.
	sc.reserve(4*len(doc.Statements) + 4)

	// Unconditional denies on every resource, for every principal, subtract exactly.
	dg := sc.next()
	for k, st := range doc.Statements {
		if exactDeny(st) {
			e.statementSetOf(sc, st, setAt(acts, k), func(n int32, _ string) { sc.denied[n] = dg })
		}
	}

	// Every (action, statement, pattern) an Allow covers, in buffers kept
	// with the scratch: a keystroke in /analyze/ makes some thousands.
	refs, pairs := sc.refs[:0], sc.pairs[:0]
	defer func() {
		clear(refs) // nor keep the document's strings alive
		sc.refs, sc.pairs = refs[:0], pairs[:0]
	}()
	for k, st := range doc.Statements {
		if !st.Valid || st.Effect != Allow {
			continue
		}
		last := ""
		e.statementSetOf(sc, st, setAt(acts, k), func(n int32, pattern string) {
			if len(refs) == 0 || refs[len(refs)-1].Statement != st.Index || pattern != last {
				refs = append(refs, GrantRef{Statement: st.Index, Sid: st.Sid, Pattern: pattern, NotAction: st.HasNotAction})
				last = pattern
			}
			if sc.denied[n] == dg {
				return
			}
			pairs = append(pairs, pair{n, int32(len(refs) - 1)})
		})
	}
	// Count the actions denied that some Allow covered.
	e.countDenied(sc, doc, acts, dg, r)

	slices.SortStableFunc(pairs, func(a, b pair) int { return int(a.n) - int(b.n) })
	g := sc.next()
	distinct := 0
	for i := range pairs {
		if i == 0 || pairs[i].n != pairs[i-1].n {
			distinct++
		}
	}
	r.Allowed = make([]Grant, 0, distinct)
	granted := make([]GrantRef, 0, len(pairs))
	for i := 0; i < len(pairs); {
		j := i
		n := pairs[i].n
		from := len(granted)
		cond, scoped := true, true
		for ; j < len(pairs) && pairs[j].n == n; j++ {
			ref := refs[pairs[j].ref]
			if slices.Contains(granted[from:], ref) {
				continue
			}
			granted = append(granted, ref)
			st := doc.Statements[ref.Statement]
			cond = cond && st.Conditional()
			scoped = scoped && !st.AllResources()
		}
		sc.slot[n], sc.slotGen[n] = int32(len(r.Allowed)), g
		r.Allowed = append(r.Allowed, Grant{
			Action:         e.x.actions[n],
			GrantedBy:      granted[from:len(granted):len(granted)],
			Conditional:    cond,
			ResourceScoped: scoped,
		})
		i = j
	}

	// Denies that are conditional, scoped to some resources or narrowed to
	// some principals: "partly denied".
	for k, st := range doc.Statements {
		if !st.Valid || st.Effect != Deny || exactDeny(st) {
			continue
		}
		e.statementSetOf(sc, st, setAt(acts, k), func(n int32, pattern string) {
			if sc.slotGen[n] != g {
				return
			}
			gr := &r.Allowed[sc.slot[n]]
			ref := GrantRef{Statement: st.Index, Sid: st.Sid, Pattern: pattern, NotAction: st.HasNotAction}
			if !slices.Contains(gr.DeniedBy, ref) {
				gr.PartlyDenied = true
				gr.DeniedBy = append(gr.DeniedBy, ref)
			}
		})
	}

	e.unknowns(sc, doc, acts, r)
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return r
}

// exactDeny reports whether a statement removes what it covers outright: a
// valid Deny without Condition, on Resource "*", for every principal.
func exactDeny(st *Statement) bool {
	return st.Valid && st.Effect == Deny && !st.Conditional() && st.AllResources() && !st.Narrowed()
}

// countDenied counts the actions some Allow covers and an exact Deny removes.
func (e *Engine) countDenied(sc *scratch, doc *Document, acts []*actionSet, dg uint32, r *Result) {
	if !slices.ContainsFunc(doc.Statements, exactDeny) {
		return
	}
	g := sc.next()
	for k, st := range doc.Statements {
		if st.Valid && st.Effect == Allow {
			e.statementSetOf(sc, st, setAt(acts, k), func(n int32, _ string) {
				if sc.denied[n] == dg && sc.counted[n] != g {
					sc.counted[n] = g
					r.Denied++
				}
			})
		}
	}
}

// unknowns lists the patterns that match nothing, with suggestions.
func (e *Engine) unknowns(sc *scratch, doc *Document, acts []*actionSet, r *Result) {
	for k, st := range doc.Statements {
		if !st.HasAction && !st.HasNotAction {
			continue
		}
		for i, p := range st.Action {
			if p.Text == "" || p.Invalid || e.matchesAnyOf(sc, st, setAt(acts, k), i) {
				continue
			}
			u := UnknownAction{
				Pattern: p.Text, Statement: st.Index, Sid: st.Sid, Effect: st.Effect, NotAction: st.HasNotAction,
				Line: p.Line, Col: p.Col, Suggestions: e.suggest(p.Text),
			}
			var msg string
			var code Code
			pfx, _, _ := strings.Cut(p.Text, ":")
			unknownPrefix := !iampattern.HasWildcard(pfx) && e.x.byPrefix[strings.ToLower(pfx)] == nil
			switch {
			case unknownPrefix:
				msg, code = fmt.Sprintf("%q: the catalog has no service prefix %q", p.Text, pfx), CodeUnknownService
			case iampattern.HasWildcard(p.Text):
				msg, code = fmt.Sprintf("%q matches no action in the catalog", p.Text), CodeWildcardMatchesNothing
			default:
				msg, code = fmt.Sprintf("%q is not an action in the catalog", p.Text), CodeUnknownAction
			}
			if iampattern.HasWildcard(p.Text) {
				r.Unmatched = append(r.Unmatched, u)
			} else {
				r.Unknown = append(r.Unknown, u)
			}
			if len(u.Suggestions) > 0 {
				msg += "; did you mean " + strings.Join(u.Suggestions, " or ") + "?"
			}
			if snap := e.cat.Snapshot.Date; snap != "" {
				msg += " (catalog of " + snap + ")"
			}
			r.Findings = append(r.Findings, Finding{Code: code, Severity: Warning, Line: p.Line, Col: p.Col, Message: msg, Suggestions: u.Suggestions})
		}
	}
}
