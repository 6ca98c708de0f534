package site

import (
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/policyreport"
)

// policyJSON is the JSON of a managed policy (mp set) or an example
// (schema iamref.policy.v1, documented in docs/api.md), as package
// policyreport writes it for the command line and the browser too.
func (b *builder) policyJSON(mp *policy.ManagedPolicy, ex *Example, v *PolicyView) []byte {
	var s policyreport.Subject
	if mp != nil {
		s = policyreport.Subject{Kind: policyreport.Managed, Name: mp.Name, URL: PolicyPath(mp.Name), ARN: mp.ARN, Version: mp.Version,
			Deprecated: mp.Deprecated, Created: mp.CreateDate, Updated: mp.UpdateDate}
	} else {
		s = policyreport.Subject{Kind: policyreport.Example, Name: ex.Slug, Title: ex.Doc.Title, URL: ExamplePath(ex.Slug)}
	}
	return policyreport.Encode(s, v.Analysis, b.cat.Snapshot)
}
