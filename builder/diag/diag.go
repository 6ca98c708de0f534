// Package diag is the builder's one kind of error about its input: a
// Diagnostic names a file and, where known, the line and column of the
// problem; a List is every problem one load found. Every loader returns
// them (catalog, history, markup, policy, site), so a failed build prints
// each problem as "file:line:col: message", sorted, and nothing is ever
// parsed back out of a message.
//
// The package is a leaf: it imports nothing of the builder's.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Diagnostic is one problem in the content, at a place in a file.
type Diagnostic struct {
	File      string
	Line, Col int // 1-based; 0 when unknown
	Msg       string
}

// At is the diagnostic at file:line:col (0 for an unknown line or column).
func At(file string, line, col int, format string, args ...any) *Diagnostic {
	return &Diagnostic{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// Error formats the diagnostic as "file:line:col: message", leaving out
// what is unknown ("file:line: message", "file: message").
func (d *Diagnostic) Error() string {
	switch {
	case d.Line > 0 && d.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Msg)
	case d.Line > 0:
		return fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Msg)
	}
	return fmt.Sprintf("%s: %s", d.File, d.Msg)
}

// List is every problem found in one load.
type List []*Diagnostic

// Add appends the diagnostic at file:line:col.
func (l *List) Add(file string, line, col int, format string, args ...any) {
	*l = append(*l, At(file, line, col, format, args...))
}

// Error is one line per diagnostic and, for more than one, their count.
func (l List) Error() string {
	var b strings.Builder
	for i, d := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	if len(l) > 1 {
		fmt.Fprintf(&b, "\n(%d problems)", len(l))
	}
	return b.String()
}

// Sort orders the list by file, line and column, keeping the order of
// diagnostics at the same place.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns nil for an empty list, else the sorted list.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}

// From is err as diagnostics: the List or Diagnostic it is or wraps, or
// else one diagnostic of file with err's message (an I/O error, say).
// A nil err is no diagnostic.
func From(file string, err error) List {
	if err == nil {
		return nil
	}
	var l List
	if errors.As(err, &l) {
		return l
	}
	var d *Diagnostic
	if errors.As(err, &d) {
		return List{d}
	}
	return List{{File: file, Msg: err.Error()}}
}
