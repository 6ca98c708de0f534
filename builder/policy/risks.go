package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
)

// The risks a policy opens, from the catalog's risk lists: the
// privilege-escalation paths whose every required action it allows, and
// the sensitive actions it allows, by category.

// risks finds the paths a result opens and its sensitive actions, and
// reports them through add.
func (e *Engine) risks(doc *Document, r *Result, add func(Finding)) ([]OpenedPath, []SensitiveGrants) {
	if len(r.Allowed) == 0 {
		return nil, nil
	}
	at := func(g *Grant) (int, int) {
		st := doc.Statements[g.GrantedBy[0].Statement]
		return st.Line, st.Col
	}
	var paths []OpenedPath
	for _, p := range e.cat.EscalationPaths() {
		op := OpenedPath{Path: p}
		for _, a := range p.RequiredActions {
			var g *Grant
			if a != nil {
				g = r.Grant(a)
			}
			if g == nil {
				op.Grants = nil
				break
			}
			op.Grants = append(op.Grants, g)
			op.Limited = op.Limited || g.Conditional || g.ResourceScoped || g.PartlyDenied
		}
		if op.Grants == nil {
			continue
		}
		paths = append(paths, op)
		// The path opens where its last required action is granted.
		last := op.Grants[0]
		for _, g := range op.Grants[1:] {
			if g.GrantedBy[0].Statement > last.GrantedBy[0].Statement {
				last = g
			}
		}
		line, col := at(last)
		sev, how := Warning, ""
		if op.Limited {
			sev, how = Info, ", though only in part (some of it is conditional, resource-scoped or partly denied)"
		}
		add(Finding{Code: CodePrivilegeEscalationPath, Severity: sev, Line: line, Col: col,
			Message: fmt.Sprintf("opens the privilege-escalation path %s (%s, %s): it allows %s%s; see %s", p.ID, p.Name, p.Category, strings.Join(p.Required, " and "), how, p.URL)})
	}
	byCat := make([][]*Grant, len(catalog.RiskCategories))
	for i := range r.Allowed {
		g := &r.Allowed[i]
		for _, cat := range g.Action.Risks {
			k := slices.Index(catalog.RiskCategories, cat)
			byCat[k] = append(byCat[k], g)
		}
	}
	var sensitive []SensitiveGrants
	for k, cat := range catalog.RiskCategories {
		sg := SensitiveGrants{Category: cat, Grants: byCat[k]}
		if len(sg.Grants) == 0 {
			continue
		}
		sensitive = append(sensitive, sg)
		var names []string
		for _, g := range sg.Grants[:min(len(sg.Grants), 5)] {
			names = append(names, g.Action.ID())
		}
		list := strings.Join(names, ", ")
		if more := len(sg.Grants) - len(names); more > 0 {
			list += fmt.Sprintf(" and %d more", more)
		}
		line, col := at(sg.Grants[0])
		noun := "action"
		if len(sg.Grants) > 1 {
			noun = "actions"
		}
		add(Finding{Code: CodeSensitiveAction, Severity: Info, Line: line, Col: col,
			Message: fmt.Sprintf("allows %d sensitive %s of the category %s (actions that %s): %s", len(sg.Grants), noun, cat.Title(), cat.Meaning(), list)})
	}
	return paths, sensitive
}
