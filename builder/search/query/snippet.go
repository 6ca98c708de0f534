package query

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/iamref/iamref/builder/search/internal/textan"
)

// SnippetLen is the longest snippet, in bytes, before ellipses.
const SnippetLen = 180

// highlighter returns a function that cuts a description into segments,
// marking the words that match the query's word clauses, and the words a
// glued query is made of ("createmeeting" marks "create" and "meeting").
func (e *Engine) highlighter(clauses []clause, glued string, fuzz int) func(string) []Segment {
	var words []clause
	for _, cl := range clauses {
		if cl.service == "" {
			words = append(words, cl)
		}
	}
	return func(desc string) []Segment {
		if desc == "" {
			return nil
		}
		var marks [][2]int
		for _, t := range textan.Tokens(desc) {
			if matches(t, words, fuzz) || len(glued) >= 5 && len(t.Raw) >= 3 && strings.Contains(glued, t.Raw) {
				marks = append(marks, [2]int{t.Start, t.End})
			}
		}
		return segments(desc, marks)
	}
}

func matches(t textan.Token, clauses []clause, fuzz int) bool {
	for _, cl := range clauses {
		if t.Term == cl.term || t.Raw == cl.raw {
			return true
		}
		if cl.partial && len(cl.raw) >= 2 && strings.HasPrefix(t.Raw, cl.raw) {
			return true
		}
		if fz := fuzziness(cl.term, fuzz); fz > 0 {
			if d, over := search.LevenshteinDistanceMax(t.Term, cl.term, fz); !over && d <= fz {
				return true
			}
		}
	}
	return false
}

// segments cuts s into plain and marked segments around marks (sorted,
// non-overlapping byte ranges), keeping a window of about SnippetLen bytes
// that starts a little before the first mark.
func segments(s string, marks [][2]int) []Segment {
	start, end := 0, len(s)
	if len(s) > SnippetLen {
		if len(marks) > 0 && marks[0][0] > SnippetLen/3 {
			start = marks[0][0] - SnippetLen/3
			// start at a word
			if i := strings.IndexByte(s[start:], ' '); i >= 0 && start+i+1 < marks[0][0] {
				start += i + 1
			}
		}
		end = min(len(s), start+SnippetLen)
		if end < len(s) {
			if i := strings.LastIndexByte(s[start:end], ' '); i > 0 {
				end = start + i
			}
		}
		for start < end && !utf8.RuneStart(s[start]) {
			start++
		}
		for end < len(s) && !utf8.RuneStart(s[end]) {
			end--
		}
	}
	var out []Segment
	appendSeg := func(text string, mark bool) {
		if text == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Mark == mark {
			out[n-1].Text += text
			return
		}
		out = append(out, Segment{Text: text, Mark: mark})
	}
	if start > 0 {
		appendSeg("…", false)
	}
	pos := start
	for _, m := range marks {
		if m[1] <= start || m[0] >= end {
			continue
		}
		a, b := max(m[0], start), min(m[1], end)
		appendSeg(s[pos:a], false)
		appendSeg(s[a:b], true)
		pos = b
	}
	appendSeg(s[pos:end], false)
	if end < len(s) {
		appendSeg("…", false)
	}
	return out
}
