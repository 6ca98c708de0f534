package policy

import (
	"bytes"
	"slices"
	"sync"
)

// checkMemo remembers the findings of the per-statement checks (the
// conditions, the resources, the security warnings) by the statement's
// bytes, so that re-analysing a document, as /analyze/ does at every
// keystroke (Options.Incremental), checks again only the statements that
// changed. The checks
// of a valid statement read nothing but the statement and the document's
// Version, and a finding points into the statement: its findings are kept
// with their lines relative to the statement's first line (and columns on
// that line relative to its column), and replayed at wherever the same
// bytes stand now. A statement whose findings point outside it is not
// remembered. Safe for concurrent use; bounded in entries and bytes, and
// started afresh when full (Engine.renewMemos).
type checkMemo struct {
	mu sync.RWMutex
	// m is by Version, then by the statement's bytes: looked up with
	// the bytes of the document as they are, without a key built (the
	// keys built were a tenth of what a keystroke allocated).
	m    map[string]map[string][]Finding // positions relative to the statement
	size memoSize
}

// memoSize is how much a memo holds (checkMemo, parseMemo), against the
// bounds they share.
type memoSize struct {
	n     int // statements
	bytes int // of their keys
}

// full tells whether a memo of this size has reached the bounds.
func (s memoSize) full() bool { return s.n >= maxMemoEntries || s.bytes >= maxMemoBytes }

// add counts a statement more, of a key of n bytes.
func (s *memoSize) add(n int) {
	s.n++
	s.bytes += n
}

// The memo's bounds: a statement larger than maxMemoStatement is checked
// every time (the managed policies' largest are one statement of
// thousands of actions, seldom met twice), and the memo stops growing at
// maxMemoEntries entries or maxMemoBytes bytes of keys, until the next
// incremental analysis starts the memos afresh (Engine.renewMemos).
const (
	maxMemoStatement = 16 << 10
	maxMemoEntries   = 1 << 15
	maxMemoBytes     = 32 << 20
)

// remembers tells whether a statement of these bytes can be remembered.
func remembers(stmt []byte) bool { return len(stmt) <= maxMemoStatement }

// lookup is what the memo holds for the statement's bytes in a document
// of the given Version.
func (m *checkMemo) lookup(version string, stmt []byte) ([]Finding, bool) {
	if !remembers(stmt) {
		return nil, false
	}
	m.mu.RLock()
	fs, ok := m.m[version][string(stmt)]
	m.mu.RUnlock()
	return fs, ok
}

// replay adds the remembered findings fs at the statement's position.
func (m *checkMemo) replay(fs []Finding, st *Statement, add func(Finding)) {
	for _, f := range fs {
		if f.Line == 0 {
			f.Col += st.Col
		}
		f.Line += st.Line
		f.Suggestions = slices.Clone(f.Suggestions)
		add(f)
	}
}

// record remembers fs, the findings the checks gave the statement whose
// bytes are stmt, unless one points outside it.
func (m *checkMemo) record(version string, st *Statement, stmt []byte, fs []Finding) {
	if !remembers(stmt) {
		return
	}
	last := st.Line + bytes.Count(stmt, []byte{'\n'})
	rel := make([]Finding, len(fs))
	for i, f := range fs {
		if f.Line < st.Line || f.Line == st.Line && f.Col < st.Col || f.Line > last {
			return
		}
		if f.Line == st.Line {
			f.Col -= st.Col
		}
		f.Line -= st.Line
		f.Suggestions = slices.Clone(f.Suggestions)
		rel[i] = f
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.size.full() {
		return
	}
	if m.m == nil {
		m.m = map[string]map[string][]Finding{}
	}
	byStmt := m.m[version]
	if byStmt == nil {
		byStmt = map[string][]Finding{}
		m.m[version] = byStmt
	}
	if _, ok := byStmt[string(stmt)]; !ok {
		byStmt[string(stmt)] = rel
		m.size.add(len(version) + len(stmt))
	}
}

// full tells whether the memo has reached its bounds.
func (m *checkMemo) full() bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.size.full()
}

// reset empties the memo.
func (m *checkMemo) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m, m.size = nil, memoSize{}
}

// entries is how many statements the memo holds.
func (m *checkMemo) entries() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.size.n
}
