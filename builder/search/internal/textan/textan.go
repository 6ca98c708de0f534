// Package textan holds the text analysis shared by the index builder and the
// query engine: identifier-aware word splitting (camelCase, "prefix:Action",
// digits), lower-casing, a small stop list and Porter stemming.
//
// The same functions run at build time (through the bleve analyzers below)
// and at query time, so a query term and an indexed term always agree.
package textan

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	porter "github.com/blevesearch/go-porterstemmer"
)

// Field names used in the index.
const (
	FieldName = "name" // id words (camelCase split) and title words
	FieldDesc = "desc" // description words
)

// GrantsPrefix starts most action descriptions; it carries no information
// for search and is left out of the index.
const GrantsPrefix = "Grants permission to "

// Token is one analysed word with its byte offsets in the analysed text.
type Token struct {
	Term       string // lower-cased, stemmed
	Raw        string // lower-cased, not stemmed
	Start, End int
}

// stop lists the words that are dropped everywhere.
var stop = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true,
	"be": true, "by": true, "for": true, "from": true, "in": true, "into": true,
	"is": true, "it": true, "its": true, "of": true, "on": true, "or": true,
	"that": true, "the": true, "this": true, "to": true, "with": true,
	"which": true, "was": true, "will": true, "can": true, "if": true,
}

// IsStop reports whether w (lower case) is a stop word.
func IsStop(w string) bool { return stop[w] }

// Stem returns the stemmed form of a lower-case word. Words with digits or
// of one or two letters are left alone.
func Stem(w string) string {
	if len(w) <= 2 {
		return w
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c < 'a' || c > 'z' {
			return w
		}
	}
	return porter.StemString(w)
}

// Split returns the words of s: runs of letters and digits, further split
// at camelCase boundaries ("CreateMeeting" -> Create, Meeting;
// "DBInstance" -> DB, Instance). Digits stay with the letters before them
// ("EC2Instance" -> EC2, Instance). Offsets are byte offsets into s.
func Split(s string, fn func(word string, start, end int)) {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		j := i
		for j < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r2) {
				break
			}
			j += n2
		}
		splitCamel(s, i, j, fn)
		i = j
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func splitCamel(s string, start, end int, fn func(string, int, int)) {
	ws := start
	var prev rune = -1
	for i := start; i < end; {
		r, n := utf8.DecodeRuneInString(s[i:])
		if i > ws && unicode.IsUpper(r) {
			boundary := false
			switch {
			case unicode.IsLower(prev) || unicode.IsDigit(prev):
				boundary = true
			case unicode.IsUpper(prev):
				// "DBInstance": split before the last upper-case letter of a
				// run when a lower-case letter follows it.
				if i+n < end {
					nr, _ := utf8.DecodeRuneInString(s[i+n:])
					boundary = unicode.IsLower(nr)
				}
			}
			if boundary {
				fn(s[ws:i], ws, i)
				ws = i
			}
		}
		prev = r
		i += n
	}
	if ws < end {
		fn(s[ws:end], ws, end)
	}
}

// Tokens analyses s into tokens: split, lower-cased, stop words dropped,
// stemmed.
func Tokens(s string) []Token {
	var out []Token
	Split(s, func(w string, start, end int) {
		lw := strings.ToLower(w)
		if stop[lw] {
			return
		}
		out = append(out, Token{Term: Stem(lw), Raw: lw, Start: start, End: end})
	})
	return out
}

// Terms returns just the analysed terms of s.
func Terms(s string) []string {
	toks := Tokens(s)
	if len(toks) == 0 {
		return nil
	}
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Term
	}
	return out
}

// Analyzer is a bleve analysis.Analyzer running Tokens.
type Analyzer struct{}

// Analyze implements analysis.Analyzer.
func (Analyzer) Analyze(input []byte) analysis.TokenStream {
	toks := Tokens(string(input))
	ts := make(analysis.TokenStream, len(toks))
	for i, t := range toks {
		ts[i] = &analysis.Token{
			Start:    t.Start,
			End:      t.End,
			Term:     []byte(t.Term),
			Position: i + 1,
			Type:     analysis.AlphaNumeric,
		}
	}
	return ts
}

// NameText is the text indexed in the name field of a document: the words
// of its id (without a "prefix:" part, which the engine matches through the
// service) and of its title when the title says something the id does not.
func NameText(id, title string) string {
	name := id
	if i := strings.IndexByte(id, ':'); i >= 0 {
		name = id[i+1:]
	}
	if title == "" || strings.EqualFold(title, name) || strings.EqualFold(title, id) {
		return name
	}
	return name + " " + title
}

// DescText is the text indexed in the description field.
func DescText(desc string) string {
	return strings.TrimPrefix(desc, GrantsPrefix)
}
