package policyreport

import (
	"fmt"

	"github.com/iamref/iamref/builder/policy"
)

// The longest reports written. The allowed list names, with every
// action, the statements that allow and deny it, each with its Sid and
// pattern, so a long Sid in a statement with a wide pattern grows the
// report as their product: a Sid of 2.5 MB on "Action": "*" is written
// with each of the catalog's 22,000 actions, 53 GiB, where a 10 kB
// policy's report is about 110 kB.
const (
	// MaxSize is the command line's bound: 256 MiB.
	MaxSize = 256 << 20
	// MaxBrowserSize is the browser's engine's, 32 MiB: the answer is
	// copied into a JavaScript string (two bytes a character), posted to
	// the page and parsed there, where a tab's memory is the reader's.
	MaxBrowserSize = 32 << 20
)

// Oversize says why an analysis's report would be longer than Max: the
// statement that takes the most of it (with every action it allows or
// denies, the statement, its Sid and the pattern that matched; with every
// name it gives that the catalog lacks, the name and the Sid).
type Oversize struct {
	Size, Max int // the report's length, about, and the bound, in bytes
	Statement int // 0-based, into the document's statements
	Share     int // the bytes of Size that name the statement, about
	Sid       int // the length of the statement's Sid
	Pattern   int // the length of its longest pattern written
	Times     int // how many actions it is written with
	Unknown   int // how many names it gives that the catalog lacks
	Line, Col int // where the statement opens
}

func (o *Oversize) Error() string {
	var with []string
	if o.Times > 0 {
		with = append(with, fmt.Sprintf("each of the %d actions it allows or denies", o.Times))
	}
	if o.Unknown > 0 {
		with = append(with, fmt.Sprintf("each of the %d names it gives that the catalog lacks", o.Unknown))
	}
	what := fmt.Sprintf("its Sid (%d characters)", o.Sid)
	if o.Pattern > o.Sid {
		what = fmt.Sprintf("its longest pattern (%d characters)", o.Pattern)
	}
	msg := fmt.Sprintf("the report would be about %s, more than the %s iamref writes", mebibytes(o.Size), mebibytes(o.Max))
	if len(with) == 0 {
		return msg
	}
	share := "most of it"
	if 2*o.Share < o.Size {
		share = fmt.Sprintf("%s of it, the most of any statement", mebibytes(o.Share))
	}
	if len(with) == 2 {
		with = []string{with[0] + " and " + with[1]}
	}
	return fmt.Sprintf("%s: statement %d takes %s, named with %s, %s with it every time", msg, o.Statement+1, share, with[0], what)
}

// CheckSize is nil when a's report is at most limit bytes (Size), and
// else says why it would be longer.
func CheckSize(a *policy.Analysis, limit int) *Oversize {
	n := Size(a)
	if n <= limit {
		return nil
	}
	by := make([]Oversize, len(a.Document.Statements))
	// note adds to statement i's share what names it once, nil when the
	// document has no statement i.
	note := func(i, bytes, sid, pattern int) *Oversize {
		if i < 0 || i >= len(by) {
			return nil
		}
		w := &by[i]
		w.Share += bytes
		w.Sid, w.Pattern = sid, max(w.Pattern, pattern)
		return w
	}
	for i := range a.Result.Allowed {
		g := &a.Result.Allowed[i]
		for _, rs := range [2][]policy.GrantRef{g.GrantedBy, g.DeniedBy} {
			for _, r := range rs {
				if w := note(r.Statement, refBytes(r), len(r.Sid), len(r.Pattern)); w != nil {
					w.Times++
				}
			}
		}
	}
	for _, us := range [2][]policy.UnknownAction{a.Result.Unknown, a.Result.Unmatched} {
		for _, u := range us {
			if w := note(u.Statement, unknownSize(u), len(u.Sid), len(u.Pattern)); w != nil {
				w.Unknown++
			}
		}
	}
	o := &Oversize{Size: n, Max: limit}
	for i, w := range by {
		if w.Share > o.Share {
			st := a.Document.Statements[i]
			*o = w
			o.Size, o.Max, o.Statement, o.Line, o.Col = n, limit, i, st.Line, st.Col
		}
	}
	return o
}

// The fixed parts of an allowed action's entry in the report (its keys,
// an access level, the flags) and of a reference to a statement.
const entrySize, refSize = 140, 40

// refBytes is about how long a reference to a statement is in the report.
func refBytes(r policy.GrantRef) int {
	return refSize + len(r.Sid) + len(r.Pattern)
}

// Size is about how long a's report is, in bytes, less what its head
// says beyond the lists (the risks, the snapshot: a few kB): the bytes
// as written when no character needs escaping (a Sid or pattern that
// needs it makes its statement allow nothing). It reads each Sid's and
// pattern's length, never the strings, so that a long Sid costs it no
// more than a short one, and allocates nothing: what a report would be is
// known before it is written.
func Size(a *policy.Analysis) int {
	n := listsSize(a)
	for i := range a.Result.Allowed {
		g := &a.Result.Allowed[i]
		n += entrySize + len(g.Action.Service.Prefix) + len(g.Action.Name)
		for _, rs := range [2][]policy.GrantRef{g.GrantedBy, g.DeniedBy} {
			for _, r := range rs {
				n += refBytes(r)
			}
		}
	}
	return n
}

func mebibytes(n int) string {
	if n >= 10<<30 {
		return fmt.Sprintf("%d GiB", n>>30)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}
