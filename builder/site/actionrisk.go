package site

import "github.com/iamref/iamref/builder/catalog"

// ActionRisk is what the risk lists say of an action: its categories of
// sensitive action and the privilege-escalation paths that need it.
type ActionRisk struct {
	Categories []catalog.RiskCategory
	Paths      []*catalog.EscalationPath
	Sources    []catalog.RiskSource
}

// actionRisk is an action's risks, nil when neither list names it.
func (b *builder) actionRisk(a *catalog.Action) *ActionRisk {
	var paths []*catalog.EscalationPath
	for _, p := range b.cat.EscalationPaths() {
		for _, r := range p.RequiredActions {
			if r == a {
				paths = append(paths, p)
				break
			}
		}
	}
	if len(a.Risks) == 0 && len(paths) == 0 {
		return nil
	}
	return &ActionRisk{Categories: a.Risks, Paths: paths, Sources: b.cat.RiskSources()}
}
