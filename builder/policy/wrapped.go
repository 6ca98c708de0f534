package policy

import (
	"net/url"
	"strings"

	"github.com/iamref/iamref/builder/jsonpos"
)

// wrappers are where the policy document sits in what the tools that
// print one write around it, tried in order: `aws iam get-policy-version`
// ({"PolicyVersion": {"Document": …}}), `aws iam get-role-policy`,
// get-user-policy and get-group-policy ({"PolicyDocument": …}), and a
// managed policy as iamref stores it (content/policies, {"Document": …},
// its default version).
var wrappers = [][]string{{"PolicyVersion", "Document"}, {"PolicyDocument"}, {"Document"}}

// stringWrappers are where a wrapper may hold the document as a string:
// Organizations' describe-policy prints a service control policy as
// {"Policy": {"Content": "…"}}, and IAM's API URL-encodes the document
// in the places above (the AWS CLI decodes it).
var stringWrappers = append([][]string{{"Policy", "Content"}}, wrappers...)

// Unwrap is what src gives the engine to analyse, and where src holds
// its policy document as a string, that string, decoded: one parse of a
// wrapper answers both.
//
// The text to analyse is src with the policy document it wraps as the
// only text left: a file that is not a policy itself (an object without
// Version, Statement or Id) but holds one, as an object, where a wrapper
// says, has every other byte blanked, line breaks kept, so that the
// findings' lines and columns are the file's. Anything else, a document
// or not JSON at all, is src as it is (the analysis says what is wrong
// with it); so is a document given as a string, and then held says where
// it is and what it says: a caller says so rather than check the wrapper
// as a policy (decoded, the document's findings would not be at the
// file's lines and columns).
//
// The command line and the browser's engine read what they are given
// through it; a document whose first key is Version, Statement or Id is
// src at once, without a parse (a keystroke in /analyze/ analyses its
// document anew).
func Unwrap(src []byte) (doc []byte, held *HeldDocument) {
	v := wrapping(src)
	if v == nil {
		return src, nil
	}
	if d, _ := find(v, wrappers, jsonpos.Object); d != nil {
		out := make([]byte, len(src))
		for i, c := range src {
			switch {
			case i >= d.Off && i < d.End, c == '\n', c == '\r':
				out[i] = c
			default:
				out[i] = ' '
			}
		}
		return out, nil
	}
	if d, p := find(v, stringWrappers, jsonpos.String); d != nil {
		text, encoded := decodeHeld(d.Str)
		return src, &HeldDocument{Path: strings.Join(p, "."), At: d.Pos, Text: text, URLEncoded: encoded}
	}
	return src, nil
}

// A HeldDocument is a policy document a wrapper holds as a string.
type HeldDocument struct {
	Path string      // the wrapper's keys to the string, joined by dots: "Policy.Content"
	At   jsonpos.Pos // the string's position in the file
	// Text is the document: the JSON string decoded and then, if it was
	// URL-encoded (IAM's API: "%7B%22Version%22…"), URL-decoded.
	Text       string
	URLEncoded bool
}

// Problem is what the command line and the browser's engine say of a
// document held so instead of checking it: checked as it is, the wrapper
// would give findings of its own keys, and decoded, the document's
// findings would not be at the file's lines and columns.
func (h *HeldDocument) Problem() string {
	return "the policy document is a string, at " + h.Path + ": decode it and give the document itself"
}

// decodeHeld is a held string's document: URL-decoded when it is
// URL-encoded, which a policy, whose text starts with "{", cannot be
// otherwise: its first character other than white space is "%". A "+"
// is kept (IAM encodes a space as %20, and a "+" in a policy as %2B); an
// escape that is not one leaves the string as it is.
func decodeHeld(s string) (string, bool) {
	t := strings.TrimLeft(s, " \t\r\n")
	if !strings.HasPrefix(t, "%") {
		return s, false
	}
	d, err := url.PathUnescape(s)
	if err != nil {
		return s, false
	}
	return d, true
}

// wrapping is src parsed when it may be a wrapper: an object without
// Version, Statement or Id; else nil.
func wrapping(src []byte) *jsonpos.Value {
	if firstKeyIsPolicys(src) {
		return nil
	}
	v, err := jsonpos.Parse(src)
	if err != nil || v.Kind != jsonpos.Object {
		return nil
	}
	for _, k := range []string{"Version", "Statement", "Id"} {
		if v.Get(k) != nil {
			return nil
		}
	}
	return v
}

// find is the first value of the kind at one of the paths in v, and its
// path.
func find(v *jsonpos.Value, paths [][]string, kind jsonpos.Kind) (*jsonpos.Value, []string) {
	if v == nil {
		return nil, nil
	}
	for _, p := range paths {
		d := v
		for _, k := range p {
			d = d.Get(k)
		}
		if d != nil && d.Kind == kind {
			return d, p
		}
	}
	return nil, nil
}

// firstKeyIsPolicys says whether src starts, after white space, with an
// object whose first key is Version, Statement or Id, spelt without
// escapes.
func firstKeyIsPolicys(src []byte) bool {
	i := skipSpace(src, 0)
	if i >= len(src) || src[i] != '{' {
		return false
	}
	i = skipSpace(src, i+1)
	if i >= len(src) || src[i] != '"' {
		return false
	}
	for j := i + 1; j < len(src) && j < i+16; j++ {
		switch src[j] {
		case '\\':
			return false
		case '"':
			switch string(src[i+1 : j]) {
			case "Version", "Statement", "Id":
				return true
			}
			return false
		}
	}
	return false
}

func skipSpace(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
		i++
	}
	return i
}
