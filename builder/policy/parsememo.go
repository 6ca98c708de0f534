package policy

import (
	"bytes"
	"maps"
	"slices"
	"sync"

	"github.com/iamref/iamref/builder/jsonpos"
)

// parseMemo remembers what parsing a statement gave, by its bytes (the
// JSON object, src[Off:End]) and the nesting depth it stands at (1 for
// "Statement": {…}, 2 in a list), for Options.Incremental, as checkMemo
// does for the checks: reading a statement's object depends on nothing
// but its bytes and its index (the findings name "statement N"), and
// everything it gives points into the object. The Statement and its
// findings are kept with their index and with their lines relative to
// the statement's first line (and columns on that line relative to its
// column), and replayed, copied, wherever the same bytes stand now at the
// same index; the parse skips them unread (parser.skip). A statement
// whose findings name a line in their message (a duplicate key, action or
// condition) or point outside it is not remembered. Safe for concurrent
// use; bounded like checkMemo.
type parseMemo struct {
	mu sync.RWMutex
	// m is by depth (1 or 2), then by the object's bytes: looked up with
	// the bytes of the document, without a key built.
	m    [3]map[string]*parsedStatement // positions relative to the statement
	size memoSize
}

type parsedStatement struct {
	index    int // the statement's index, which its findings name
	st       Statement
	findings []Finding
	acts     *actionSet // its actions for the redundancy checks, read only
}

// lookup is the statement remembered for the object obj at a nesting
// depth of the document (1 or 2), or nil.
func (m *parseMemo) lookup(depth int, obj []byte) *parsedStatement {
	if m == nil || depth < 1 || depth > 2 || !remembers(obj) {
		return nil
	}
	m.mu.RLock()
	ps := m.m[depth][string(obj)]
	m.mu.RUnlock()
	return ps
}

// replay appends the remembered statement ps, at v, to the document and
// its findings.
func (m *parseMemo) replay(ps *parsedStatement, v *jsonpos.Value, doc *Document) {
	abs := func(line, col int) (int, int) {
		if line == 0 {
			col += v.Pos.Col
		}
		return line + v.Pos.Line, col
	}
	s := moveStatement(&ps.st, abs)
	s.Line, s.Col, s.off, s.end = v.Pos.Line, v.Pos.Col, v.Off, v.End
	doc.Statements = append(doc.Statements, s)
	for _, f := range ps.findings {
		f.Line, f.Col = abs(f.Line, f.Col)
		f.Suggestions = slices.Clone(f.Suggestions)
		doc.Findings = append(doc.Findings, f)
	}
}

// record remembers st, which parsing its object obj at depth gave with
// the findings fs, unless a finding points outside it or the memo is full;
// it returns what it remembers, or nil.
func (m *parseMemo) record(depth int, obj []byte, st *Statement, fs []Finding) *parsedStatement {
	if m == nil || depth < 1 || depth > 2 || !remembers(obj) || m.full() {
		return nil
	}
	last := st.Line + bytes.Count(obj, []byte{'\n'})
	rel := func(line, col int) (int, int) {
		if line == st.Line {
			col -= st.Col
		}
		return line - st.Line, col
	}
	ps := &parsedStatement{index: st.Index, findings: make([]Finding, len(fs))}
	for i, f := range fs {
		if f.Line < st.Line || f.Line == st.Line && f.Col < st.Col || f.Line > last {
			return nil
		}
		f.Line, f.Col = rel(f.Line, f.Col)
		f.Suggestions = slices.Clone(f.Suggestions)
		ps.findings[i] = f
	}
	ps.st = *moveStatement(st, rel)
	ps.st.Line, ps.st.Col, ps.st.off, ps.st.end = 0, 0, 0, 0
	ps.acts = newActionSet(st)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m[depth] == nil {
		m.m[depth] = map[string]*parsedStatement{}
	}
	// The same bytes at another index replace what the memo held.
	if _, ok := m.m[depth][string(obj)]; !ok {
		m.size.add(len(obj))
	}
	m.m[depth][string(obj)] = ps
	return ps
}

// full tells whether the memo has reached its bounds.
func (m *parseMemo) full() bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.size.full()
}

// reset empties the memo.
func (m *parseMemo) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m, m.size = [3]map[string]*parsedStatement{}, memoSize{}
}

// entries is how many statements the memo holds.
func (m *parseMemo) entries() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.size.n
}

// moveStatement copies a statement with every position inside it moved
// by mv (Line and Col, the statement's own, are left to the caller).
// Unset positions (jsonpos.Pos{}) stay unset: none inside a statement is
// where the statement opens, so none is moved to zero. Condition values
// are shared, never written after parsing.
func moveStatement(st *Statement, mv func(line, col int) (int, int)) *Statement {
	s := *st
	pos := func(p jsonpos.Pos) jsonpos.Pos {
		if p == (jsonpos.Pos{}) {
			return p
		}
		p.Line, p.Col = mv(p.Line, p.Col)
		return p
	}
	s.SidPos, s.ActionPos, s.ResourcePos = pos(s.SidPos), pos(s.ActionPos), pos(s.ResourcePos)
	s.Action = movePatterns(s.Action, mv)
	s.Resource = movePatterns(s.Resource, mv)
	s.Conditions = slices.Clone(s.Conditions)
	for i := range s.Conditions {
		c := &s.Conditions[i]
		c.Line, c.Col = mv(c.Line, c.Col)
	}
	s.Principal = movePrincipal(s.Principal, mv)
	s.NotPrincipal = movePrincipal(s.NotPrincipal, mv)
	return &s
}

func movePatterns(ps []Pattern, mv func(line, col int) (int, int)) []Pattern {
	ps = slices.Clone(ps)
	for i := range ps {
		ps[i].Line, ps[i].Col = mv(ps[i].Line, ps[i].Col)
	}
	return ps
}

func movePrincipal(p *Principal, mv func(line, col int) (int, int)) *Principal {
	if p == nil {
		return nil
	}
	q := *p
	q.Line, q.Col = mv(q.Line, q.Col)
	q.Entries = maps.Clone(q.Entries)
	for k, ps := range q.Entries {
		q.Entries[k] = movePatterns(ps, mv)
	}
	return &q
}
