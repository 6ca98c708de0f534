package site

import (
	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// What a policy's page says about its risks: the privilege-escalation
// paths it opens and the sensitive actions it allows, from the policy
// engine's analysis (policy.Analysis), with the lists' credits.

// RiskView is the risks section of a policy or example page.
type RiskView struct {
	Paths     []PathView
	Sensitive []SensitiveView
	Limited   int // paths opened only in part
	Sources   []catalog.RiskSource
}

// PathView is one privilege-escalation path a policy opens.
type PathView struct {
	Path    *catalog.EscalationPath
	Limited bool // some required action is conditional, resource-scoped or partly denied
	Steps   []PathStep
}

// PathStep is one required action of a path and how the policy grants it.
type PathStep struct {
	Action *catalog.Action
	State  *CellView
}

// SensitiveView is the sensitive actions of one category a policy allows.
type SensitiveView struct {
	Category catalog.RiskCategory
	Actions  []*catalog.Action
}

// newRiskView makes the risks section; nil when the policy opens no path
// and allows no sensitive action.
func newRiskView(a *policy.Analysis, cat *catalog.Catalog) *RiskView {
	if len(a.Paths) == 0 && len(a.Sensitive) == 0 {
		return nil
	}
	rv := &RiskView{Sources: cat.RiskSources()}
	for _, op := range a.Paths {
		pv := PathView{Path: op.Path, Limited: op.Limited}
		for _, g := range op.Grants {
			pv.Steps = append(pv.Steps, PathStep{Action: g.Action, State: stateView(policy.StateOf(g))})
		}
		if op.Limited {
			rv.Limited++
		}
		rv.Paths = append(rv.Paths, pv)
	}
	for _, sg := range a.Sensitive {
		sv := SensitiveView{Category: sg.Category}
		for _, g := range sg.Grants {
			sv.Actions = append(sv.Actions, g.Action)
		}
		rv.Sensitive = append(rv.Sensitive, sv)
	}
	return rv
}
