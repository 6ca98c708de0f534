package site

import (
	"encoding/json"
	"fmt"
)

// The policy workbench of issue 14: /analyze/ and /write/, the pages that
// put the browser's policy engine (policyengine.go, docs/policy.md) in the
// reader's hands. The pages are small: the engine and its catalog load
// only when the reader uses them (static/js/policy-engine.js), and
// nothing the reader types leaves the browser.

// WorkbenchPage is /analyze/ or /write/. Its scripts read the engine's
// files from Site.Policy; Names is the list the pages offer for choosing
// (managed policies to compare with, service prefixes), loaded when used.
type WorkbenchPage struct {
	Base
	Names    string // site path of the hashed JSON of names
	Policies bool   // the site has managed policies (their pages to point to)
}

// workbenchNames is the JSON the pages load to offer names: every managed
// policy (compared through its JSON twin, PolicyAPIPath) and every service.
type workbenchNames struct {
	Policies []string    `json:"policies"`
	Services [][2]string `json:"services"` // prefix, name
}

// workbenchLinks are the home page's links to the workbench.
var workbenchLinks = []Crumb{{Name: "Analyze a policy", Path: AnalyzePath}, {Name: "Write a least-privilege policy", Path: WritePath}}

// workbenchPages adds /analyze/ and /write/ (after policyPages, whose
// managed policies the analyzer compares with).
func (b *builder) workbenchPages() {
	names := workbenchNames{Policies: []string{}, Services: [][2]string{}}
	if b.pol != nil {
		for _, m := range b.pol.managed {
			names.Policies = append(names.Policies, m.Policy.Name)
		}
	}
	for _, s := range b.cat.Services {
		names.Services = append(names.Services, [2]string{s.Prefix, s.Name})
	}
	data, err := json.Marshal(names)
	if err != nil {
		panic(fmt.Sprintf("workbench names: %v", err)) // strings only: cannot fail
	}
	namesPath := b.hashed("/static/workbench-names", ".json", data)
	b.add(analyzeKind, &WorkbenchPage{Base: b.base(AnalyzePath, "Analyze a policy",
		"Paste an IAM policy: its findings, what it allows by service and access level, the names the catalog lacks, compared with any managed policy. Nothing leaves your browser.", homeCrumb), Names: namesPath, Policies: len(names.Policies) > 0})
	b.add(writeKind, &WorkbenchPage{Base: b.base(WritePath, "Write a least-privilege policy",
		"Choose actions, fill in their resources' ARNs and get a least-privilege IAM policy as JSON and Terraform, checked by the policy engine.", homeCrumb), Names: namesPath, Policies: len(names.Policies) > 0})
}
