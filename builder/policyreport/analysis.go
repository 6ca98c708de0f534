package policyreport

import (
	"slices"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// EncodeAnalysis is what /analyze/ draws from at every keystroke, in one
// answer: {"report": the document's report as Encode writes it, "known":
// the names its findings and unknown names suggest that are catalog
// actions, each with its access level, as `policy expand` gives it}. The
// page links those and writes the others as code; asking the engine for
// them name by name, and parsing the report to find them, cost the worker
// as much as a tenth of a keystroke. Compact JSON with a final newline,
// the names in byte order.
func EncodeAnalysis(s Subject, a *policy.Analysis, c *catalog.Catalog) []byte {
	return AppendAnalysis(nil, s, a, c)
}

// AppendAnalysis appends EncodeAnalysis's answer to dst, with the report
// written in place (AppendEncode): the browser's engine writes every
// keystroke's answer into the same buffer.
func AppendAnalysis(dst []byte, s Subject, a *policy.Analysis, c *catalog.Catalog) []byte {
	dst = append(dst, `{"report":`...)
	dst = AppendEncode(dst, s, a, c.Snapshot)
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
	return append(dst, "}}\n"...)
}
