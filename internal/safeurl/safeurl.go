// Package safeurl tells which URLs of the content may become links: a
// javascript: or data: URL in a guide or the catalog would otherwise only
// surface in the output, as a link html/template or goldmark defused
// (#ZgotmplZ, an empty href), far from the file that has it.
package safeurl

import "strings"

// Scheme is the scheme of u as a browser reads it, lower-cased, and
// whether u has one: letters, digits, '+', '-' and '.' up to a ':',
// starting with a letter. Browsers drop leading spaces and control
// characters and every tab and newline, so "  java\tscript:" is a
// javascript: URL; they are dropped here too.
func Scheme(u string) (string, bool) {
	u = strings.TrimLeft(u, " \t\n\r\f\x00")
	var b strings.Builder
	for _, r := range u {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			continue
		case r == ':' && b.Len() > 0:
			return strings.ToLower(b.String()), true
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', b.Len() > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return "", false
}

// Check is "" when u may be a link, relative (no scheme) or with one of
// the schemes allowed, else the scheme it has.
func Check(u string, allowed ...string) string {
	scheme, ok := Scheme(u)
	if !ok {
		return ""
	}
	for _, a := range allowed {
		if scheme == a {
			return ""
		}
	}
	return scheme
}
