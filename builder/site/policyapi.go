package site

import (
	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/policyreport"
)

// policyJSON is the JSON of a managed policy (mp set) or an example
// (schema iamref.policy.v1, documented in docs/api.md), as package
// policyreport writes it for the command line and the browser too; a
// managed policy's versions come from its history (policyversions.go).
func (b *builder) policyJSON(mp *policy.ManagedPolicy, ex *Example, v *PolicyView) []byte {
	var s policyreport.Subject
	if mp != nil {
		s = policyreport.Subject{Kind: policyreport.Managed, Name: mp.Name, URL: PolicyPath(mp.Name), ARN: mp.ARN, Version: mp.Version,
			Deprecated: mp.Deprecated, Created: mp.CreateDate, Updated: mp.UpdateDate}
		if m := b.pol.byName[mp.Name]; m != nil && m.History != nil {
			s.Versions = versionDocs(m.History)
		}
	} else {
		s = policyreport.Subject{Kind: policyreport.Example, Name: ex.Slug, Title: ex.Doc.Title, URL: ExamplePath(ex.Slug)}
	}
	return policyreport.Encode(s, v.Analysis, b.cat.Snapshot)
}

// versionDocs are a policy's versions for its JSON, oldest first.
func versionDocs(h *PolicyHistory) []policyreport.Version {
	ids := func(as []*catalog.Action) []string {
		out := make([]string, len(as))
		for i, a := range as {
			out[i] = a.ID()
		}
		return out
	}
	out := make([]policyreport.Version, 0, len(h.Versions))
	for i := len(h.Versions) - 1; i >= 0; i-- {
		v := h.Versions[i]
		out = append(out, policyreport.Version{ID: v.ID, Date: v.Date, Added: ids(v.Added), Removed: ids(v.Removed)})
	}
	return out
}
