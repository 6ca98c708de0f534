// Package linediff compares two texts line by line: the shortest edit
// script between them (Myers' O(ND) algorithm), the unified hunks a page
// shows, and compact edit scripts that store one text as the changes that
// make it from another.
//
// The managed policies' older versions are stored as edit scripts against
// the next newer version (builder/upstream writes them, builder/policy
// applies them), and the policy pages show each version's line diff
// (builder/site).
package linediff

import (
	"fmt"
	"strings"
)

// Op is what an edit does to a line.
type Op byte

// The three operations of an edit script.
const (
	Equal  Op = '='
	Delete Op = '-'
	Insert Op = '+'
)

// Line is one line of a diff: its operation and text, and its 1-based
// number in the old text (Equal, Delete) and the new text (Equal, Insert);
// 0 where the line is not in that text.
type Line struct {
	Op       Op
	Text     string
	Old, New int
}

// Split cuts a text into lines without their newlines. A final newline
// ends the last line rather than starting an empty one.
func Split(text string) []string {
	if text == "" {
		return nil
	}
	text = strings.TrimSuffix(text, "\n")
	return strings.Split(text, "\n")
}

// Diff is the shortest edit script from a to b, every line of both in order.
func Diff(a, b []string) []Line {
	// Common prefix and suffix are cheap and, for policy versions, most
	// of the text.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]Line, 0, len(a)+len(b)-pre-suf)
	for i := 0; i < pre; i++ {
		out = append(out, Line{Op: Equal, Text: a[i], Old: i + 1, New: i + 1})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	for _, l := range myers(ma, mb) {
		if l.Old > 0 {
			l.Old += pre
		}
		if l.New > 0 {
			l.New += pre
		}
		out = append(out, l)
	}
	for i := 0; i < suf; i++ {
		ia, ib := len(a)-suf+i, len(b)-suf+i
		out = append(out, Line{Op: Equal, Text: a[ia], Old: ia + 1, New: ib + 1})
	}
	return out
}

// myers is the shortest edit script from a to b, with line numbers
// relative to them.
func myers(a, b []string) []Line {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		out := make([]Line, 0, n+m)
		for i, s := range a {
			out = append(out, Line{Op: Delete, Text: s, Old: i + 1})
		}
		for j, s := range b {
			out = append(out, Line{Op: Insert, Text: s, New: j + 1})
		}
		return out
	}
	// Lines compare as small integers.
	ids := map[string]int32{}
	id := func(s string) int32 {
		if v, ok := ids[s]; ok {
			return v
		}
		v := int32(len(ids))
		ids[s] = v
		return v
	}
	x := make([]int32, n)
	for i, s := range a {
		x[i] = id(s)
	}
	y := make([]int32, m)
	for j, s := range b {
		y[j] = id(s)
	}
	max := n + m
	off := max + 1
	v := make([]int, 2*max+3)
	// trace[d] is v[off-d-1 : off+d+2] before step d, for the walk back:
	// the diagonals step d reads. Keeping only those makes the trace
	// O(D²) rather than O(D·(n+m)).
	var trace [][]int
search:
	for d := 0; d <= max; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var i int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				i = v[off+k+1] // down: an insertion
			} else {
				i = v[off+k-1] + 1 // right: a deletion
			}
			j := i - k
			for i < n && j < m && x[i] == y[j] {
				i++
				j++
			}
			v[off+k] = i
			if i >= n && j >= m {
				break search
			}
		}
	}
	// Walk back from (n, m) to (0, 0), one step d at a time.
	rev := make([]Line, 0, n+m)
	i, j := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		w := trace[d]
		base := d + 1 // w[base+k] is v[off+k]
		pv := func(k int) int { return w[base+k] }
		k := i - j
		pk := k - 1
		if k == -d || k != d && pv(k-1) < pv(k+1) {
			pk = k + 1
		}
		pi := pv(pk)
		pj := pi - pk
		for i > pi && j > pj {
			i--
			j--
			rev = append(rev, Line{Op: Equal, Text: a[i], Old: i + 1, New: j + 1})
		}
		if d == 0 {
			break
		}
		if pk == k+1 {
			j--
			rev = append(rev, Line{Op: Insert, Text: b[j], New: j + 1})
		} else {
			i--
			rev = append(rev, Line{Op: Delete, Text: a[i], Old: i + 1})
		}
	}
	out := make([]Line, len(rev))
	for k, l := range rev {
		out[len(rev)-1-k] = l
	}
	return out
}

// Hunk is a run of changed lines with up to Context equal lines around it.
type Hunk struct {
	OldStart, OldLines int // 1-based first line and number of lines in the old text
	NewStart, NewLines int
	Lines              []Line
}

// Hunks groups a diff into unified hunks with context equal lines before
// and after each change; changes closer than 2×context share a hunk.
func Hunks(diff []Line, context int) []Hunk {
	var out []Hunk
	for i := 0; i < len(diff); {
		if diff[i].Op == Equal {
			i++
			continue
		}
		start := max(0, i-context)
		end := i
		for end < len(diff) {
			if diff[end].Op != Equal {
				end++
				continue
			}
			run := end
			for run < len(diff) && diff[run].Op == Equal {
				run++
			}
			if run == len(diff) || run-end > 2*context {
				end = min(len(diff), end+context)
				break
			}
			end = run
		}
		h := Hunk{Lines: diff[start:end:end]}
		h.count()
		out = append(out, h)
		i = end
	}
	return out
}

// Edit replaces Delete lines of a base text, starting at its 1-based line
// At, by the lines Insert. An edit script is a list of edits in increasing
// order of At that do not overlap.
type Edit struct {
	At     int
	Delete int
	Insert []string
}

// Script is the edit script that turns base into target: Apply(base,
// Script(base, target)) is target.
func Script(base, target []string) []Edit {
	var out []Edit
	diff := Diff(base, target)
	for i := 0; i < len(diff); {
		if diff[i].Op == Equal {
			i++
			continue
		}
		e := Edit{}
		// The base line the edit starts at: the next base line.
		at := 0
		for k := i; k < len(diff); k++ {
			if diff[k].Old > 0 {
				at = diff[k].Old
				break
			}
		}
		if at == 0 {
			at = len(base) + 1
		}
		e.At = at
		for i < len(diff) && diff[i].Op != Equal {
			if diff[i].Op == Delete {
				e.Delete++
			} else {
				e.Insert = append(e.Insert, diff[i].Text)
			}
			i++
		}
		out = append(out, e)
	}
	return out
}

// Apply turns base into the text an edit script describes. It fails on a
// script that does not fit base: edits out of order, overlapping, or past
// its end.
func Apply(base []string, script []Edit) ([]string, error) {
	out := make([]string, 0, len(base))
	next := 1 // the next base line to copy
	for i, e := range script {
		if e.At < next || e.At > len(base)+1 || e.Delete < 0 || e.At+e.Delete > len(base)+1 {
			return nil, fmt.Errorf("edit %d (line %d, %d deleted) does not fit a text of %d lines after line %d", i+1, e.At, e.Delete, len(base), next-1)
		}
		out = append(out, base[next-1:e.At-1]...)
		out = append(out, e.Insert...)
		next = e.At + e.Delete
	}
	out = append(out, base[next-1:]...)
	return out, nil
}

// ScriptHunks are the unified hunks of the change from Apply(base, script)
// to base, with context equal lines around each change, worked out from
// the script alone: no diff of the two texts, and no line of them but the
// hunks' is touched. (The policies store each older version as the script
// from the next newer one; a page shows what the newer changed.)
func ScriptHunks(base []string, script []Edit, context int) []Hunk {
	var out []Hunk
	shift := 0 // target line number minus base line number, before the next edit
	for k := 0; k < len(script); {
		// The edits of one hunk: those whose gaps of equal lines are at
		// most 2×context.
		j := k + 1
		for j < len(script) && script[j].At-(script[j-1].At+script[j-1].Delete) <= 2*context {
			j++
		}
		first, last := script[k], script[j-1]
		start := max(1, first.At-context)
		end := min(len(base), last.At+last.Delete-1+context)
		var h Hunk
		b := start
		equalTo := func(to int) {
			for ; b < to; b++ {
				h.Lines = append(h.Lines, Line{Op: Equal, Text: base[b-1], Old: b + shift, New: b})
			}
		}
		for _, e := range script[k:j] {
			equalTo(e.At)
			for i, s := range e.Insert {
				h.Lines = append(h.Lines, Line{Op: Delete, Text: s, Old: e.At + shift + i})
			}
			for i := 0; i < e.Delete; i++ {
				h.Lines = append(h.Lines, Line{Op: Insert, Text: base[e.At-1+i], New: e.At + i})
			}
			shift += len(e.Insert) - e.Delete
			b = e.At + e.Delete
		}
		equalTo(end + 1)
		h.count()
		out = append(out, h)
		k = j
	}
	return out
}

// count sets the hunk's starts and lengths on both sides from its lines.
func (h *Hunk) count() {
	for _, l := range h.Lines {
		if l.Op != Insert {
			if h.OldLines == 0 {
				h.OldStart = l.Old
			}
			h.OldLines++
		}
		if l.Op != Delete {
			if h.NewLines == 0 {
				h.NewStart = l.New
			}
			h.NewLines++
		}
	}
}
