package policyreport

import (
	"fmt"

	"github.com/iamref/iamref/builder/policy"
)

// MaxSize is the longest report the command line and the browser's
// engine write: 256 MiB. The allowed list names, with every action, the
// statements that allow and deny it, each with its Sid and pattern, so a
// long Sid in a statement with a wide pattern grows the report as their
// product: a Sid of 2.5 MB on "Action": "*" is written with each of the
// catalog's 21,000 actions, 57 GB, where a 10 kB policy's report is about
// 110 kB.
const MaxSize = 256 << 20

// Oversize says why an analysis's report would be longer than MaxSize:
// the statement whose references (the statement, its Sid and the
// pattern that matched) take the most of it.
type Oversize struct {
	Size      int // the report's length, about, in bytes
	Statement int // 0-based, into the document's statements
	Sid       int // the length of the statement's Sid
	Pattern   int // the length of its longest pattern written
	Line, Col int // where the statement opens
	Times     int // how many actions the statement is written with
}

func (o *Oversize) Error() string {
	what := fmt.Sprintf("its Sid (%d characters)", o.Sid)
	if o.Pattern > o.Sid {
		what = fmt.Sprintf("its pattern (%d characters)", o.Pattern)
	}
	return fmt.Sprintf("the report would be about %s, more than the %s iamref writes: statement %d is named with each of the %d actions it allows or denies, %s with it every time",
		megabytes(o.Size), megabytes(MaxSize), o.Statement+1, o.Times, what)
}

// CheckSize is nil when a's report is at most MaxSize bytes (Size), and
// else says why it would be longer.
func CheckSize(a *policy.Analysis) *Oversize {
	n := Size(a)
	if n <= MaxSize {
		return nil
	}
	const ref = refSize
	type weight struct{ bytes, times, sid, pattern int }
	by := make([]weight, len(a.Document.Statements))
	for i := range a.Result.Allowed {
		g := &a.Result.Allowed[i]
		for _, rs := range [2][]policy.GrantRef{g.GrantedBy, g.DeniedBy} {
			for _, r := range rs {
				if r.Statement < 0 || r.Statement >= len(by) {
					continue
				}
				w := &by[r.Statement]
				w.bytes += ref + len(r.Sid) + len(r.Pattern)
				w.times++
				w.sid, w.pattern = len(r.Sid), max(w.pattern, len(r.Pattern))
			}
		}
	}
	o := &Oversize{Size: n}
	best := -1
	for i, w := range by {
		if w.bytes > best {
			best = w.bytes
			st := a.Document.Statements[i]
			*o = Oversize{Size: n, Statement: i, Sid: w.sid, Pattern: w.pattern, Line: st.Line, Col: st.Col, Times: w.times}
		}
	}
	return o
}

// The fixed parts of an allowed action's entry in the report (its keys,
// an access level, the flags) and of a reference to a statement.
const entrySize, refSize = 140, 40

// Size is about how long a's report is, in bytes, less what its head
// says beyond the lists (the risks, the snapshot: a few kB): the bytes
// as written when no character needs escaping (an escaped one takes up
// to six). It reads each Sid's and pattern's length, never the strings,
// so that a long Sid costs it no more than a short one, and allocates
// nothing: what a report would be is known before it is written.
func Size(a *policy.Analysis) int {
	n := listsSize(a)
	for i := range a.Result.Allowed {
		g := &a.Result.Allowed[i]
		n += entrySize + len(g.Action.Service.Prefix) + len(g.Action.Name)
		for _, rs := range [2][]policy.GrantRef{g.GrantedBy, g.DeniedBy} {
			for _, r := range rs {
				n += refSize + len(r.Sid) + len(r.Pattern)
			}
		}
	}
	return n
}

func megabytes(n int) string {
	if n >= 10<<30 {
		return fmt.Sprintf("%d GB", n>>30)
	}
	return fmt.Sprintf("%d MB", n>>20)
}
