package site

import (
	"strconv"

	"github.com/iamref/iamref/builder/catalog"
)

// Which managed policies test which condition keys, for the condition key
// pages: a policy's key names the catalog's keys as the policy engine
// resolves them (any case; aws:ResourceTag/Owner names
// aws:ResourceTag/${TagKey}).

// KeyUse is one managed policy's use of a condition key.
type KeyUse struct {
	Policy     *Managed
	Statements int    // statements whose Condition tests the key
	Path       string // the policy page at the first of them
}

func (ps *policySet) collectKeyUses() {
	ps.keyUses = map[*catalog.KeyUsage][]*KeyUse{}
	for _, m := range ps.managed {
		mine := map[*catalog.KeyUsage]*KeyUse{}
		for _, st := range m.View.Doc.Statements {
			if !st.Valid {
				continue
			}
			counted := map[*catalog.KeyUsage]bool{}
			for _, c := range st.Conditions {
				for _, u := range ps.engine.KeyUsages(c.Key) {
					if counted[u] {
						continue
					}
					counted[u] = true
					ku := mine[u]
					if ku == nil {
						ku = &KeyUse{Policy: m, Path: PolicyPath(m.Name()) + "#statement-" + strconv.Itoa(st.Index+1)}
						mine[u] = ku
						ps.keyUses[u] = append(ps.keyUses[u], ku)
					}
					ku.Statements++
				}
			}
		}
	}
}

// keyUsesOf lists the managed policies that test a key, in name order.
func (b *builder) keyUsesOf(k *catalog.KeyUsage) []*KeyUse {
	if b.pol == nil {
		return nil
	}
	return b.pol.keyUses[k]
}

// UseStatements counts the managed policies' statements that test the key.
func (p *ConditionKeyPage) UseStatements() int {
	n := 0
	for _, u := range p.Uses {
		n += u.Statements
	}
	return n
}
