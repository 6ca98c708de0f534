package policyreport

import (
	"slices"
	"strconv"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// EncodeAnalysis is what /analyze/ draws from at every keystroke, in one
// answer: {"report": the document's report as Encode writes it, "known":
// the names its findings and unknown names suggest that are catalog
// actions, each with its access level, as `policy expand` gives it}. The
// page links those and writes the others as code; asking the engine for
// them name by name, and parsing the report to find them, cost the worker
// as much as a tenth of a keystroke. When the subject's document is held
// as a string (Subject.Held), a third member says where, and what it
// holds: "held": {"path": "Policy.Content", "line": 3, "column": 16,
// "url_encoded": false, "document": the decoded text}. Compact JSON with a
// final newline, the names in byte order.
func EncodeAnalysis(s Subject, a *policy.Analysis, c *catalog.Catalog) []byte {
	return AppendAnalysis(nil, s, a, c)
}

// AppendAnalysis appends EncodeAnalysis's answer to dst, with the report
// written in place (AppendEncode): the browser's engine writes every
// keystroke's answer into the same buffer.
func AppendAnalysis(dst []byte, s Subject, a *policy.Analysis, c *catalog.Catalog) []byte {
	return appendAnalysis(dst, s, a, c, nil)
}

// An Encoder writes answer after answer as AppendAnalysis does, byte for
// byte, for one caller that analyses a document again at every keystroke:
// an allowed list the same as the answer before's (a line broken or
// joined, a condition edited, most of what a reader types but names) is
// not encoded again but copied from the bytes the Encoder kept. Encoding
// the allowed list was about a fifth of a keystroke's engine. The zero
// Encoder is ready; it is not safe for concurrent use.
type Encoder struct {
	known   bool
	allowed []policy.Grant    // what enc encodes, copied from the analysis
	refs    []policy.GrantRef // allowed's GrantedBy and DeniedBy
	enc     []byte            // the allowed list's entries, without its brackets
	kept    int               // answers that copied enc (for the tests)
}

// AppendAnalysis appends AppendAnalysis's answer to dst.
func (e *Encoder) AppendAnalysis(dst []byte, s Subject, a *policy.Analysis, c *catalog.Catalog) []byte {
	return appendAnalysis(dst, s, a, c, e)
}

// remember keeps the allowed list and its encoding. The grants are
// copied: what the Encoder compares must not depend on the engine leaving
// an analysis's memory alone after the next one.
func (e *Encoder) remember(allowed []policy.Grant, enc []byte) {
	e.enc = append(e.enc[:0], enc...)
	e.allowed = append(e.allowed[:0], allowed...)
	e.refs = e.refs[:0]
	for _, g := range allowed {
		e.refs = append(e.refs, g.GrantedBy...)
		e.refs = append(e.refs, g.DeniedBy...)
	}
	n := 0
	for i := range e.allowed {
		g := &e.allowed[i]
		g.GrantedBy = e.refs[n : n+len(g.GrantedBy) : n+len(g.GrantedBy)]
		n += len(g.GrantedBy)
		g.DeniedBy = e.refs[n : n+len(g.DeniedBy) : n+len(g.DeniedBy)]
		n += len(g.DeniedBy)
	}
	e.known = true
}

// grantsEqual says whether two allowed lists encode the same: the same
// actions, each granted and denied by the same references (statement,
// Sid, pattern) with the same terms.
func grantsEqual(a, b []policy.Grant) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.Action != y.Action || x.Conditional != y.Conditional || x.ResourceScoped != y.ResourceScoped || x.PartlyDenied != y.PartlyDenied ||
			!slices.Equal(x.GrantedBy, y.GrantedBy) || !slices.Equal(x.DeniedBy, y.DeniedBy) {
			return false
		}
	}
	return true
}

func appendAnalysis(dst []byte, s Subject, a *policy.Analysis, c *catalog.Catalog, e *Encoder) []byte {
	dst = append(dst, `{"report":`...)
	dst = appendEncode(dst, s, a, c.Snapshot, e)
	dst = dst[:len(dst)-1] // without the report's newline
	var names []string
	for _, f := range a.Result.Findings {
		names = append(names, f.Suggestions...)
	}
	for _, us := range [2][]policy.UnknownAction{a.Result.Unknown, a.Result.Unmatched} {
		for _, u := range us {
			names = append(names, u.Suggestions...)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	dst = slices.Grow(dst, 32+40*len(names))
	dst = append(dst, `,"known":{`...)
	n := 0
	for _, name := range names {
		// A suggestion is an action's ID or a pattern; only an ID names
		// an action exactly (Catalog.Action also finds other cases).
		act := c.Action(name)
		if act == nil || act.ID() != name {
			continue
		}
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		dst = appendJSONString(dst, name)
		dst = append(dst, ':')
		dst = appendJSONString(dst, string(act.EffectiveLevel()))
	}
	dst = append(dst, '}')
	if h := s.Held; h != nil {
		dst = append(dst, `,"held":{"path":`...)
		dst = appendJSONString(dst, h.Path)
		dst = append(dst, `,"line":`...)
		dst = strconv.AppendInt(dst, int64(h.At.Line), 10)
		dst = append(dst, `,"column":`...)
		dst = strconv.AppendInt(dst, int64(h.At.Col), 10)
		dst = append(dst, `,"url_encoded":`...)
		dst = strconv.AppendBool(dst, h.URLEncoded)
		dst = append(dst, `,"document":`...)
		dst = appendJSONString(dst, h.Text)
		dst = append(dst, '}')
	}
	return append(dst, "}\n"...)
}
