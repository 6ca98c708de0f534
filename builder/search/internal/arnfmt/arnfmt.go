// Package arnfmt matches ARNs against the catalog's ARN formats
// ("arn:${Partition}:s3:::${BucketName}/${ObjectName}"), for the search's
// ARN lookup: which resource types a pasted ARN is one of.
//
// The rule, after AWS's "ARN format" documentation: an ARN has six parts,
// split at its first five colons (arn, partition, service, region,
// account, resource); a format matches an ARN when every part matches.
// Text outside ${...} matches itself, case-sensitively. A ${Variable}
// stands for one segment: one or more characters, without a colon, and in
// the resource part without a slash either (the resource's segments are
// separated by "/" and ":"), except that a variable that ends the format
// takes the rest of the resource, slashes and colons included (object
// keys, role names with paths, qualified function names:
// "${ObjectName}", "${RoleNameWithPath}"). So a bucket's ARN
// (arn:aws:s3:::my-bucket) never matches the object format, which needs
// a slash, while an object's ARN matches both the object format and the
// bucket format (whose ${BucketName} ends it); Compare ranks the object
// format first. A format with fewer than six parts matches nothing.
//
// ARNs pasted with ${...} placeholders of their own
// ("arn:${Partition}:s3:::${BucketName}") are text like any other: a
// format's variable matches them as it matches any value.
package arnfmt

import (
	"cmp"
	"errors"
	"strings"
)

// Parts is the number of parts of an ARN.
const Parts = 6

// Format is a compiled ARN format.
type Format struct {
	parts    [Parts][]token
	ok       bool // six parts
	literals int  // bytes of text outside variables
	vars     int
}

type token struct {
	lit  string // the text; "" for a variable
	kind byte   // 0 text, segVar a segment, restVar the rest of the resource
}

const (
	segVar  = 1
	restVar = 2
)

// ErrUnclosed is Compile's error for a "${" without its "}".
var ErrUnclosed = errors.New("arn format: ${ without }")

// Compile reads an ARN format. Its only error is a "${" without a "}".
func Compile(s string) (*Format, error) {
	f := &Format{}
	fs := strings.SplitN(s, ":", Parts)
	f.ok = len(fs) == Parts
	for i, part := range fs {
		if i >= Parts {
			break
		}
		toks, err := tokens(part, i == Parts-1)
		if err != nil {
			return nil, err
		}
		f.parts[i] = toks
		for _, t := range toks {
			if t.kind == 0 {
				f.literals += len(t.lit)
			} else {
				f.vars++
			}
		}
	}
	f.literals += len(fs) - 1 // the colons
	return f, nil
}

// tokens reads one part of a format. In the resource part a variable that
// ends it takes the rest.
func tokens(part string, resource bool) ([]token, error) {
	var out []token
	for part != "" {
		i := strings.Index(part, "${")
		if i < 0 {
			out = append(out, token{lit: part})
			break
		}
		if i > 0 {
			out = append(out, token{lit: part[:i]})
		}
		end := strings.IndexByte(part[i:], '}')
		if end < 0 {
			return nil, ErrUnclosed
		}
		part = part[i+end+1:]
		kind := byte(segVar)
		if resource && part == "" {
			kind = restVar
		}
		out = append(out, token{kind: kind})
	}
	return out, nil
}

// Match reports whether arn is of the format.
func (f *Format) Match(arn string) bool {
	if !f.ok {
		return false
	}
	// The service part first: it tells most formats apart.
	var parts [Parts]string
	rest := arn
	for i := 0; i < Parts-1; i++ {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return false
		}
		parts[i], rest = rest[:j], rest[j+1:]
	}
	parts[Parts-1] = rest
	for _, i := range [...]int{2, 0, 1, 3, 4, 5} {
		if !match(f.parts[i], parts[i], i == Parts-1) {
			return false
		}
	}
	return true
}

// match matches one part: text as it is, a segment variable one or more
// characters without a colon (and, in the resource, without a slash), the
// rest variable one or more of any. A state (token, position) that failed
// is not tried again: the work is bounded by tokens × length², however
// the variables sit.
func match(toks []token, s string, resource bool) bool {
	var failed []bool // (token, position) pairs that do not match, once needed
	var rec func(ti, pos int) bool
	rec = func(ti, pos int) bool {
		for ti < len(toks) && toks[ti].kind == 0 {
			// text: no choice to make
			if !strings.HasPrefix(s[pos:], toks[ti].lit) {
				return false
			}
			pos += len(toks[ti].lit)
			ti++
		}
		if ti == len(toks) {
			return pos == len(s)
		}
		if toks[ti].kind == restVar {
			return pos < len(s)
		}
		if failed == nil {
			failed = make([]bool, (len(toks)+1)*(len(s)+1))
		}
		state := ti*(len(s)+1) + pos
		if failed[state] {
			return false
		}
		// a segment: every length, longest first, up to the segment's end
		n := pos
		for n < len(s) && s[n] != ':' && !(resource && s[n] == '/') {
			n++
		}
		for k := n; k > pos; k-- {
			if rec(ti+1, k) {
				return true
			}
		}
		failed[state] = true
		return false
	}
	return rec(0, 0)
}

// Compare orders formats most specific first: more text outside
// variables, then more variables. 0 when they are as specific.
func Compare(a, b *Format) int {
	return cmp.Or(-cmp.Compare(a.literals, b.literals), -cmp.Compare(a.vars, b.vars))
}

// Is reports whether s looks like an ARN the lookup should answer: it
// starts with "arn:" and holds no white space.
func Is(s string) bool {
	return strings.HasPrefix(s, "arn:") && strings.IndexFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v'
	}) < 0
}
