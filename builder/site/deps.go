package site

import (
	"path"
	"strings"
)

// What each kind of page reads, for the preview's rebuilds (session.go).
//
// A Session renders again, after an edit, only the pages whose kind says
// it reads the part of the content that changed, and only when it knows
// how to assemble exactly those pages again (a guide's text: its page; the
// list of a service's guides: its service page and guide pages).
// Any other edit, or an edit to a part that a kind the fast way cannot
// assemble reads, rebuilds the whole site from what was loaded. A kind
// missing from kindReads reads everything: a kind added later without a
// declaration makes every edit a whole rebuild, slower but never stale, and
// TestKindReadsDeclared names it.

// input is a part of the content a page can show.
type input string

const (
	inCatalog input = "catalog" // services/, catalog/, risk/: the catalog and what annotates it
	inGuides  input = "guides"  // guides/<prefix>/*.md: a guide's text, which only its own page reads
	// inGuideList is what guideList keeps of a service's guides: each
	// one's slug, title and summary, in order (a part of guides/ too).
	inGuideList input = "guide list"
	inExamples  input = "examples" // examples/*.md and *.json
	inPolicies  input = "policies" // policies/: the managed policies and their versions
	inHistory   input = "history"  // history/: the catalog's snapshots
	inOther     input = "other"    // anything else under content/ (urls.txt, docs/)
)

// kindReads declares, for each page kind, the parts of the content its
// pages are made from: what the assembly puts into the page (its struct's
// fields), not only what its template shows today.
var kindReads = map[kind][]input{
	homeKind:          {inCatalog, inPolicies, inHistory},
	serviceKind:       {inCatalog, inGuideList, inPolicies, inHistory},
	actionKind:        {inCatalog, inPolicies, inExamples, inHistory},
	resourceKind:      {inCatalog},
	conditionKind:     {inCatalog, inPolicies},
	conditionsKind:    {inCatalog},
	accessLevelsKind:  {inCatalog},
	guideKind:         {inCatalog, inGuides, inGuideList, inPolicies}, // its own guide's text, the others listed; its tables link the policies they name
	notFoundKind:      {inCatalog},
	policyKind:        {inCatalog, inPolicies},
	policiesKind:      {inCatalog, inPolicies},
	policyChangesKind: {inCatalog, inPolicies},
	matrixKind:        {inCatalog, inPolicies},
	compareKind:       {inCatalog, inPolicies},
	exampleKind:       {inCatalog, inExamples},
	examplesKind:      {inCatalog, inExamples},
	changesKind:       {inCatalog, inHistory},
	tombstoneKind:     {inCatalog, inHistory},
	qualityKind:       {inCatalog, inPolicies, inHistory},
	checksKind:        {inCatalog, inPolicies},
	analyzeKind:       {inCatalog, inPolicies},
	writeKind:         {inCatalog, inPolicies},
	apiIndexKind:      {inCatalog},
}

// reads reports whether pages of kind k read the input in; an undeclared
// kind reads everything.
func reads(k kind, in input) bool {
	ins, ok := kindReads[k]
	if !ok {
		return true
	}
	for _, i := range ins {
		if i == in {
			return true
		}
	}
	return false
}

// readers are the kinds that read in.
func readers(in input) []kind {
	var ks []kind
	for _, k := range allKinds {
		if reads(k, in) {
			ks = append(ks, k)
		}
	}
	return ks
}

// inputOf is the part of the content a file of it (a path relative to
// the content directory) belongs to.
func inputOf(file string) input {
	first, _, _ := strings.Cut(path.Clean(file), "/")
	switch first {
	case "services", "catalog", "risk":
		return inCatalog
	case "guides":
		return inGuides
	case "examples":
		return inExamples
	case "policies":
		return inPolicies
	case "history":
		return inHistory
	}
	return inOther
}
