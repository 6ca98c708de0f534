package site

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/markup"
	"github.com/iamref/iamref/builder/policy"
)

// ChecksPath is the page that explains every check, one section per code
// at #CODE: the findings' links, and the help link of the command line's
// SARIF rules, point there.
const ChecksPath = "/checks/" // policy.Rule.HelpPath points into it

// ChecksPage explains every policy check.
type ChecksPage struct {
	Base
	Groups []CheckGroup
	Rules  int
	Quotas []QuotaRow
}

// CheckGroup is one heading of /checks/.
type CheckGroup struct {
	Name   string
	ID     string
	Checks []*CheckView
}

// CheckView is one code: its rule, its example highlighted with what the
// example gets, and what it finds over the managed policies.
type CheckView struct {
	Rule     *policy.Rule
	Example  template.HTML
	Findings []policy.Finding // the example's findings of this code
	Managed  *CodeCount
}

// QuotaRow is one kind's size quota.
type QuotaRow struct {
	Kind  policy.Kind
	Quota policy.Quota
}

// checksPage adds /checks/: the rules of builder/policy, each example
// run through the engine as the build runs it.
func (b *builder) checksPage() {
	if b.pol == nil {
		return
	}
	if b.cat.Service(strings.Trim(ChecksPath, "/")) != nil {
		b.errs = append(b.errs, &diag.Diagnostic{File: "catalog", Msg: fmt.Sprintf("service prefix %q would collide with the site's %s page", strings.Trim(ChecksPath, "/"), ChecksPath)})
		return
	}
	p := &ChecksPage{Rules: len(policy.Rules)}
	for _, k := range policy.Kinds {
		p.Quotas = append(p.Quotas, QuotaRow{Kind: k, Quota: policy.Quotas[k]})
	}
	for _, g := range policy.Groups {
		cg := CheckGroup{Name: g, ID: "group-" + Slug(strings.ToLower(strings.ReplaceAll(g, " ", "-")))}
		for i := range policy.Rules {
			r := &policy.Rules[i]
			if r.Group != g {
				continue
			}
			cv := &CheckView{Rule: r, Managed: b.pol.stats.count(r.Code)}
			if r.Example != "" {
				a := b.pol.engine.Analyze([]byte(r.Example), policy.Options{Kind: r.Kind})
				var lines [][2]int
				for _, f := range a.Findings() {
					if f.Code == r.Code {
						cv.Findings = append(cv.Findings, f)
						lines = append(lines, [2]int{f.Line, f.Line})
					}
				}
				html, err := markup.Highlight(strings.TrimSuffix(r.Example, "\n"), "json", markup.HighlightOptions{HighlightLines: lines})
				if err != nil {
					b.errs = append(b.errs, &diag.Diagnostic{File: "builder/policy/rules.go", Msg: fmt.Sprintf("%s: %v", r.Code, err)})
					continue
				}
				cv.Example = html
			}
			cg.Checks = append(cg.Checks, cv)
		}
		if len(cg.Checks) > 0 {
			p.Groups = append(p.Groups, cg)
		}
	}
	p.Base = b.base(ChecksPath, "Policy checks", fmt.Sprintf("The %d checks iamref runs on IAM policies: what each finds, an example, and the IAM Access Analyzer check it corresponds to.", len(policy.Rules)), homeCrumb)
	b.add(checksKind, p)
	for _, j := range b.jobs {
		if h, ok := j.page.(*HomePage); ok {
			h.Links = append(h.Links, Crumb{Name: fmt.Sprintf("Policy checks (%d)", len(policy.Rules)), Path: ChecksPath})
		}
	}
}
