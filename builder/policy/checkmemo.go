package policy

import (
	"bytes"
	"slices"
	"sync"
	"sync/atomic"
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
// remembered. Safe for concurrent use; bounded in entries and bytes.
type checkMemo struct {
	m     sync.Map // key → []Finding, positions relative to the statement
	n     atomic.Int64
	bytes atomic.Int64
}

// The memo's bounds: a statement larger than maxMemoStatement is checked
// every time (the managed policies' largest are one statement of
// thousands of actions, seldom met twice), and the memo stops growing at
// maxMemoEntries entries or maxMemoBytes bytes of keys.
const (
	maxMemoStatement = 16 << 10
	maxMemoEntries   = 1 << 15
	maxMemoBytes     = 32 << 20
)

// key is the memo's key for a statement's bytes in a document of the
// given Version, or "" when the statement is too large to remember.
func (m *checkMemo) key(version string, stmt []byte) string {
	if len(stmt) > maxMemoStatement {
		return ""
	}
	b := make([]byte, 0, len(version)+1+len(stmt))
	b = append(append(append(b, version...), 0), stmt...)
	return string(b)
}

// replay adds the remembered findings of the statement's bytes at the
// statement's position; false when they are not remembered.
func (m *checkMemo) replay(key string, st *Statement, add func(Finding)) bool {
	if key == "" {
		return false
	}
	v, ok := m.m.Load(key)
	if !ok {
		return false
	}
	for _, f := range v.([]Finding) {
		if f.Line == 0 {
			f.Col += st.Col
		}
		f.Line += st.Line
		f.Suggestions = slices.Clone(f.Suggestions)
		add(f)
	}
	return true
}

// record remembers fs, the findings the checks gave the statement whose
// bytes are stmt, unless one points outside it.
func (m *checkMemo) record(key string, st *Statement, stmt []byte, fs []Finding) {
	if key == "" || m.n.Load() >= maxMemoEntries || m.bytes.Load() >= maxMemoBytes {
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
	if _, loaded := m.m.LoadOrStore(key, rel); !loaded {
		m.n.Add(1)
		m.bytes.Add(int64(len(key)))
	}
}
