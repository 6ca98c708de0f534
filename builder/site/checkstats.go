package site

import (
	"slices"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// What the checks find over all managed policies, counted once after the
// evaluation (loadPolicies): shown on /checks/ beside each code and on
// /quality/.

// checkStats counts the managed policies' findings.
type checkStats struct {
	codes map[policy.Code]*CodeCount
	paths []*PathCount // in the catalog's order
}

// CodeCount is what one code finds over the managed policies.
type CodeCount struct {
	Code     policy.Code
	Findings int
	Policies int
	BySev    [3]int // error, warning, info
}

// Severities are the severities in CodeCount.BySev order.
var Severities = []policy.Severity{policy.Error, policy.Warning, policy.Info}

// PathCount is the managed policies that open one privilege-escalation path.
type PathCount struct {
	Path     *catalog.EscalationPath
	Policies []*Managed // opening it fully (on "*", unconditionally)
	Limited  []*Managed // opening it only in part
}

// Total is the number of policies that open the path at all.
func (p *PathCount) Total() int { return len(p.Policies) + len(p.Limited) }

func (ps *policySet) countChecks(cat *catalog.Catalog) {
	st := &checkStats{codes: map[policy.Code]*CodeCount{}}
	for _, r := range policy.Rules {
		st.codes[r.Code] = &CodeCount{Code: r.Code}
	}
	byPath := map[*catalog.EscalationPath]*PathCount{}
	for _, p := range cat.EscalationPaths() {
		pc := &PathCount{Path: p}
		byPath[p] = pc
		st.paths = append(st.paths, pc)
	}
	for _, m := range ps.managed {
		seen := map[policy.Code]bool{}
		for _, f := range m.View.Result.Findings {
			c := st.codes[f.Code]
			if c == nil {
				continue // a code without a rule: TestRules in builder/policy fails
			}
			c.Findings++
			c.BySev[slices.Index(Severities, f.Severity)]++
			if !seen[f.Code] {
				seen[f.Code] = true
				c.Policies++
			}
		}
		for _, op := range m.View.Analysis.Paths {
			pc := byPath[op.Path]
			if op.Limited {
				pc.Limited = append(pc.Limited, m)
			} else {
				pc.Policies = append(pc.Policies, m)
			}
		}
	}
	ps.stats = st
}

// count is the count of a code, zero for a code without findings.
func (st *checkStats) count(c policy.Code) *CodeCount {
	if st == nil || st.codes[c] == nil {
		return &CodeCount{Code: c}
	}
	return st.codes[c]
}
