package policy

import "github.com/iamref/iamref/builder/jsonpos"

// wrappers are where the policy document sits in what the tools that
// print one write around it, tried in order: `aws iam get-policy-version`
// ({"PolicyVersion": {"Document": …}}), `aws iam get-role-policy`,
// get-user-policy and get-group-policy ({"PolicyDocument": …}), and a
// managed policy as iamref stores it (content/policies, {"Document": …},
// its default version).
var wrappers = [][]string{{"PolicyVersion", "Document"}, {"PolicyDocument"}, {"Document"}}

// Unwrap is src with the policy document it wraps as the only text left: a file that is not a policy itself (an object without
// Version, Statement or Id) but holds one, as an object, where a wrapper
// says, has every other byte blanked, line breaks kept, so that the
// findings' lines and columns are the file's. Anything else, a document
// or not JSON at all, is src as it is (the analysis says what is wrong
// with it); so is a document given as a string (IAM's API encodes it so):
// it would need decoding, and its positions would not be the file's.
//
// The command line and the browser's engine read what they are given
// through it; a document whose first key is Version, Statement or Id is
// src at once, without a parse (a keystroke in /analyze/ analyses its
// document anew).
func Unwrap(src []byte) []byte {
	if firstKeyIsPolicys(src) {
		return src
	}
	v, err := jsonpos.Parse(src)
	if err != nil || v.Kind != jsonpos.Object {
		return src
	}
	for _, k := range []string{"Version", "Statement", "Id"} {
		if v.Get(k) != nil {
			return src
		}
	}
	for _, path := range wrappers {
		d := v
		for _, k := range path {
			d = d.Get(k)
		}
		if d == nil || d.Kind != jsonpos.Object {
			continue
		}
		out := make([]byte, len(src))
		for i, c := range src {
			switch {
			case i >= d.Off && i < d.End, c == '\n', c == '\r':
				out[i] = c
			default:
				out[i] = ' '
			}
		}
		return out
	}
	return src
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
