package policy

import (
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/iamref/iamref/builder/catalog"
)

// Options tune Analyze.
type Options struct {
	// Kind of the document; "" guesses it (GuessKind).
	Kind Kind
	// AWSManaged: the document is an AWS managed policy, which IAM lets
	// exceed the customer quotas (the size finding is then only an info).
	AWSManaged bool
	// Incremental: the document is likely an edit of documents the engine
	// analysed before, as /analyze/ re-analyses at every keystroke. The
	// checks of each statement are then remembered by its bytes and
	// replayed for the same bytes (checkMemo), and so is the parse of each
	// statement (parseMemo), with the same Analysis as
	// without; the engine keeps what it remembers, bounded.
	Incremental bool
}

// Analysis is everything the checks say about one document: what it
// allows, every finding, and the risks it opens.
type Analysis struct {
	Document    *Document
	Kind        Kind
	KindGuessed bool
	// Result is the evaluation; Result.Findings holds every finding of
	// the analysis, by position.
	Result *Result
	// Paths are the privilege-escalation paths an identity policy opens,
	// in the catalog's order.
	Paths []OpenedPath
	// Sensitive are the sensitive actions it allows, by category, in
	// catalog.RiskCategories order (categories it allows none of are left
	// out).
	Sensitive []SensitiveGrants
}

// Findings is every finding, by position.
func (a *Analysis) Findings() []Finding { return a.Result.Findings }

// OpenedPath is a privilege-escalation path a policy opens: it allows
// every action the path needs.
type OpenedPath struct {
	Path *catalog.EscalationPath
	// Grants of the path's required actions, in its order.
	Grants []*Grant
	// Limited: some of those grants are conditional, resource-scoped or
	// partly denied, so the path may be closed for the resources or
	// requests that matter.
	Limited bool
}

// SensitiveGrants are the allowed actions of one risk category.
type SensitiveGrants struct {
	Category catalog.RiskCategory
	Grants   []*Grant // in catalog order
}

// renewMemos starts the memos of Options.Incremental afresh (the parses
// with the sets their statements match, and the checks) when one of them
// is full. Full, a memo stopped remembering: a long session in /analyze/
// (documents pasted one after another, statements typed) would then have
// every statement it had not remembered before parsed, matched and
// checked again at every keystroke, for as long as the page lived. Started
// afresh, the next analysis remembers the document in hand again, and the
// keystrokes after it are as quick as before the memo filled; what the
// analyses under way hold stays theirs.
func (e *Engine) renewMemos() {
	if !e.parses.full() && !e.checks.full() && e.coverBytes.Load() <= maxCoverBytes {
		return
	}
	e.parses.reset()
	e.checks.reset()
	e.coverBytes.Store(0)
	e.renewals.Add(1)
}

// Analyze parses a policy document, applies the rules of its kind,
// evaluates it and runs every check against the catalog. It is the one
// entry point the site, the command line and the browser share. It only
// reads src (the browser's engine passes a string's bytes uncopied).
func (e *Engine) Analyze(src []byte, opts Options) *Analysis {
	var memo *parseMemo
	if opts.Incremental {
		e.renewMemos()
		memo = &e.parses
	}
	doc, acts := parse(src, memo)
	a := &Analysis{Document: doc, Kind: opts.Kind}
	if a.Kind == "" {
		a.Kind, a.KindGuessed = GuessKind(doc), true
	}
	doc.checkKind(a.Kind, src, opts)
	a.Result = e.evaluate(doc, acts)
	c := &checker{e: e, doc: doc, r: a.Result, kind: a.Kind, acts: acts}
	c.run(src, opts.Incremental)
	if a.Kind == Identity {
		// Risks are what a principal holding the policy can do: a
		// resource policy grants to the principals it names, an SCP
		// grants nothing.
		a.Paths, a.Sensitive = e.risks(doc, a.Result, c.add)
	}
	sort.SliceStable(a.Result.Findings, func(i, j int) bool {
		x, y := a.Result.Findings[i], a.Result.Findings[j]
		if x.Line != y.Line {
			return x.Line < y.Line
		}
		return x.Col < y.Col
	})
	return a
}

var (
	enginesMu sync.Mutex
	engines   = map[*catalog.Catalog]*Engine{}
)

// Check analyses a document against a catalog and returns its findings;
// kind "" guesses the kind. The engine for the catalog is built on first
// use and kept.
func Check(src []byte, kind Kind, cat *catalog.Catalog) []Finding {
	enginesMu.Lock()
	e := engines[cat]
	if e == nil {
		e = NewEngine(cat)
		engines[cat] = e
	}
	enginesMu.Unlock()
	return e.Analyze(src, Options{Kind: kind}).Findings()
}

// checker runs the catalog's checks over one evaluated document.
type checker struct {
	e    *Engine
	doc  *Document
	r    *Result
	kind Kind
	cov  bitset // the actions of the statement being checked
	fit  fitBuffers
	acts []*actionSet // by statement, nil where parse gave none
}

func (c *checker) add(f Finding) {
	if f.Line < 1 {
		f.Line, f.Col = 1, 1
	}
	c.r.Findings = append(c.r.Findings, f)
}

// run checks the statements and their redundancy; with remember, through
// the engine's memo of statements' checks.
func (c *checker) run(src []byte, remember bool) {
	sc := c.e.scratch.Get().(*scratch)
	defer c.e.scratch.Put(sc)
	var spans []int
	var memo []memoHit
	if remember {
		spans = statementSpans(src, c.doc.Statements)
		// What the memo holds, looked up first, so that the findings
		// grow once: replayed one by one, they were copied again and
		// again as they grew (a tenth of what a keystroke allocated).
		memo = make([]memoHit, len(c.doc.Statements))
		n, more := 0, 16 // and those of the redundancy checks and the risks
		for i, st := range c.doc.Statements {
			if st.Valid {
				m := &memo[i]
				m.fs, m.ok = c.e.checks.lookup(c.doc.Version, src[spans[i]:spans[i+1]])
				n += len(m.fs)
				if !m.ok {
					more += 8
				}
			}
		}
		// Findings stay nil where there are none, as without the memo.
		if n > 0 {
			c.r.Findings = slices.Grow(c.r.Findings, n+more)
		}
	}
	for i, st := range c.doc.Statements {
		if !st.Valid {
			continue
		}
		var stmt []byte
		if remember {
			if memo[i].ok {
				c.e.checks.replay(memo[i].fs, st, c.add)
				continue
			}
			stmt = src[spans[i]:spans[i+1]]
		}
		from := len(c.r.Findings)
		if c.cov == nil {
			c.cov = make(bitset, (len(c.e.x.actions)+63)/64)
		}
		clear(c.cov)
		known := true
		set := setAt(c.acts, i)
		c.e.statementSetOf(sc, st, set, func(n int32, _ string) { c.cov.set(n) })
		for k := range st.Action {
			if !c.e.matchesAnyOf(sc, st, set, k) {
				known = false
			}
		}
		c.conditions(st, known)
		c.resources(sc, st)
		c.security(st)
		if remember {
			c.e.checks.record(c.doc.Version, st, stmt, c.r.Findings[from:])
		}
	}
	c.redundancy()
}

// memoHit is what checkMemo holds for a statement: ok, its findings.
type memoHit struct {
	fs []Finding
	ok bool
}

// statementSpans are the byte offsets where the statements start, in
// order, and then len(src): statement i's bytes are src[s[i]:s[i+1]] (up
// to where the next one starts, the comma and spaces between included).
func statementSpans(src []byte, sts []*Statement) []int {
	out := make([]int, len(sts)+1)
	for i, st := range sts {
		out[i] = st.off
	}
	out[len(sts)] = len(src)
	return out
}

// bitset is a set of action numbers.
type bitset []uint64

func (b bitset) set(n int32)      { b[n>>6] |= 1 << (n & 63) }
func (b bitset) has(n int32) bool { return b[n>>6]&(1<<(n&63)) != 0 }

// intersects reports whether b and o share a number.
func (b bitset) intersects(o bitset) bool {
	for i := range b {
		if b[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

// count is the number of members.
func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// keyIndex finds the catalog's condition keys for a policy's key.
type keyIndex struct {
	byLower   map[string][]*catalog.KeyUsage // lower-case name → every spelling
	templates []*catalog.KeyUsage            // names with a placeholder
	byPrefix  map[string][]string            // lower-case prefix → names, for suggestions
	resolved  sync.Map                       // lower-case policy key → []*catalog.KeyUsage
	support   sync.Map                       // *catalog.KeyUsage → bitset of the actions that support it
}

func newKeyIndex(c *catalog.Catalog) *keyIndex {
	k := &keyIndex{byLower: map[string][]*catalog.KeyUsage{}, byPrefix: map[string][]string{}}
	for _, u := range c.ConditionKeys() {
		l := strings.ToLower(u.Name)
		k.byLower[l] = append(k.byLower[l], u)
		if catalog.IsKeyTemplate(u.Name) {
			k.templates = append(k.templates, u)
		}
		pfx, _, _ := strings.Cut(l, ":")
		k.byPrefix[pfx] = append(k.byPrefix[pfx], u.Name)
	}
	return k
}

// usages returns the catalog's keys a policy's condition key names: its
// spellings, and the templates it fills in.
func (k *keyIndex) usages(key string) []*catalog.KeyUsage {
	l := strings.ToLower(key)
	if v, ok := k.resolved.Load(l); ok {
		return v.([]*catalog.KeyUsage)
	}
	out := append([]*catalog.KeyUsage(nil), k.byLower[l]...)
	for _, t := range k.templates {
		if !strings.EqualFold(t.Name, key) && catalog.KeyMatches(t.Name, key) {
			out = append(out, t)
		}
	}
	k.resolved.Store(l, out)
	return out
}

// supporters is the set of actions that support a key: the actions that
// list it and the actions of the resource types that list it.
func (e *Engine) supporters(u *catalog.KeyUsage) bitset {
	if v, ok := e.keys.support.Load(u); ok {
		return v.(bitset)
	}
	b := make(bitset, (len(e.x.actions)+63)/64)
	for _, a := range u.Actions {
		if n, ok := e.x.number(a); ok {
			b.set(n)
		}
	}
	for _, rt := range u.ResourceTypes {
		for _, a := range rt.Actions {
			if n, ok := e.x.number(a); ok {
				b.set(n)
			}
		}
	}
	e.keys.support.Store(u, b)
	return b
}

// KeyUsages returns the catalog's condition keys a policy's key names: its
// spellings (IAM compares keys ignoring case) and the templates it fills
// in (aws:ResourceTag/Owner names aws:ResourceTag/${TagKey}).
func (e *Engine) KeyUsages(key string) []*catalog.KeyUsage {
	return slices.Clone(e.keys.usages(key))
}
