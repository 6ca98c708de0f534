package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// Contents is what a catalog is made of when it is not read from a
// content directory: the browser's catalog, decoded from its compact
// encoding (package catalogpack), and catalogs made up by tests. New links
// it exactly as Load links what it reads.
type Contents struct {
	// Services with their Actions, ResourceTypes and ConditionKeys, in any
	// order. The references between them (Action.Service,
	// ActionResource.Type, ResourceType.Actions, …) are made by New, which
	// takes the values over: give each to New once.
	Services        []*Service
	Snapshot        Snapshot
	GlobalKeys      []*GlobalConditionKey // upstream order
	GlobalKeySource GlobalKeySource
	// Sensitive are the sensitive actions of each risk category, as
	// catalog actions (an ID the catalog lacks is an error).
	Sensitive map[RiskCategory][]string
	// EscalationPaths with Required as the list spells them; New resolves
	// RequiredActions.
	EscalationPaths []*EscalationPath
	RiskSources     []RiskSource
}

// New makes a catalog of its contents. It reports a service prefix given
// twice, an empty one, and a sensitive action the catalog lacks.
func New(in Contents) (*Catalog, error) {
	c := &Catalog{Snapshot: in.Snapshot, globals: in.GlobalKeys, globalSource: in.GlobalKeySource}
	seen := map[string]bool{}
	for _, s := range in.Services {
		key := strings.ToLower(s.Prefix)
		switch {
		case key == "":
			return nil, fmt.Errorf("catalog: a service without a prefix")
		case seen[key]:
			return nil, fmt.Errorf("catalog: service prefix %q given twice", s.Prefix)
		}
		seen[key] = true
		for _, a := range s.Actions {
			a.Service = s
		}
		for _, rt := range s.ResourceTypes {
			rt.Service = s
		}
		for _, k := range s.ConditionKeys {
			k.Service = s
		}
		s.index()
		c.Services = append(c.Services, s)
	}
	c.indexGlobals()
	c.link()
	c.risks.sources = in.RiskSources
	if in.Sensitive != nil {
		c.risks.byCat = map[RiskCategory][]*Action{}
	}
	for _, cat := range RiskCategories {
		for _, id := range in.Sensitive[cat] {
			a := c.Action(id)
			if a == nil {
				return nil, fmt.Errorf("catalog: sensitive action %s (%s) is not in the catalog", id, cat)
			}
			c.addSensitive(cat, a)
		}
	}
	for cat := range in.Sensitive {
		if !slices.Contains(RiskCategories, cat) {
			return nil, fmt.Errorf("catalog: unknown risk category %q", cat)
		}
	}
	c.sortRisks()
	for _, p := range in.EscalationPaths {
		c.addPath("", p)
	}
	return c, nil
}
