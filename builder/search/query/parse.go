package query

import (
	"strings"
	"unicode"

	"github.com/iamref/iamref/builder/iampattern"
)

// Parsed is a parsed query.
//
// The language: plain words; an exact id ("chime:CreateMeeting"); IAM
// action patterns with '*' and '?' ("chime:List*", "s3:*Object*");
// filters key:value with key access, service, kind or risk, where the
// value may be quoted (access:"permissions management"). Several values of
// one filter key are alternatives; different keys must all hold.
type Parsed struct {
	Words    []string // plain words, as typed
	Patterns []string // words with '*' or '?'
	Access   []string // lower-cased filter values
	Service  []string
	Kind     []string
	Risk     []string // risk categories of sensitive actions, by their beginning (risk:privesc)
	// Partial is true when the query does not end with white space: its
	// last word may still be being typed.
	Partial bool
}

// Text returns the plain words joined by single spaces.
func (p *Parsed) Text() string { return strings.Join(p.Words, " ") }

// HasFilter reports whether the query has any filter.
func (p *Parsed) HasFilter() bool {
	return len(p.Access) > 0 || len(p.Service) > 0 || len(p.Kind) > 0 || len(p.Risk) > 0
}

// Parse parses a query. It accepts any input.
func Parse(q string) Parsed {
	var p Parsed
	q = strings.ToValidUTF8(q, "")
	p.Partial = q != "" && !unicode.IsSpace(lastRune(q))
	for _, tok := range fields(q) {
		key, val, ok := strings.Cut(tok, ":")
		if ok && val == "" && filterKeys[strings.ToLower(key)] {
			continue // a filter still being typed
		}
		if ok && val != "" {
			v := strings.ToLower(strings.TrimSpace(unquote(val)))
			switch strings.ToLower(key) {
			case "access", "level":
				if v != "" {
					p.Access = append(p.Access, v)
				}
				continue
			case "service":
				if v != "" {
					p.Service = append(p.Service, v)
				}
				continue
			case "kind", "type":
				if v != "" {
					p.Kind = append(p.Kind, v)
				}
				continue
			case "risk":
				if v != "" {
					p.Risk = append(p.Risk, strings.ReplaceAll(v, " ", ""))
				}
				continue
			}
		}
		tok = unquote(tok)
		if strings.TrimSpace(tok) == "" {
			continue
		}
		if iampattern.HasWildcard(tok) {
			p.Patterns = append(p.Patterns, tok)
			continue
		}
		p.Words = append(p.Words, strings.Fields(tok)...)
	}
	return p
}

var filterKeys = map[string]bool{"access": true, "level": true, "service": true, "kind": true, "type": true, "risk": true}

func lastRune(s string) rune {
	r := []rune(s[max(0, len(s)-4):])
	if len(r) == 0 {
		return ' '
	}
	return r[len(r)-1]
}

// fields splits q at white space outside double quotes.
func fields(q string) []string {
	var out []string
	var cur strings.Builder
	inQuote := false
	for _, r := range q {
		switch {
		case r == '"':
			inQuote = !inQuote
			cur.WriteRune(r)
		case unicode.IsSpace(r) && !inQuote:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func unquote(s string) string { return strings.ReplaceAll(s, `"`, "") }
