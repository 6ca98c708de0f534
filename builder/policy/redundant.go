package policy

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/iamref/iamref/builder/iampattern"
)

// Redundancy: patterns and statements that another already covers, by
// their text (covers), so that what is redundant today stays redundant
// when AWS adds actions.

// actionSet is a statement's action patterns prepared for coverage
// tests: lower case, the literal ones in a set, the wildcards apart with
// their literal beginnings.
type actionSet struct {
	low   []string
	lit   map[string]int // literal pattern → its first index
	wild  []int          // indexes of the patterns with wildcards
	start []string       // by pattern: the part before the first wildcard
	// cover is what the patterns match, once an engine has asked
	// (Engine.cover): only in the sets parseMemo keeps.
	cover atomic.Pointer[coverSet]
}

func newActionSet(st *Statement) *actionSet {
	s := &actionSet{low: make([]string, len(st.Action)), start: make([]string, len(st.Action)), lit: map[string]int{}}
	for i, p := range st.Action {
		l := strings.ToLower(p.Text)
		s.low[i] = l
		if iampattern.HasWildcard(l) {
			s.wild = append(s.wild, i)
			s.start[i] = iampattern.LiteralPrefix(l)
		} else if _, dup := s.lit[l]; !dup {
			s.lit[l] = i
		}
	}
	return s
}

// coverer returns the index of a pattern of s other than skip that covers
// p (lower case), or -1.
func (s *actionSet) coverer(p string, skip int) int {
	if i, ok := s.lit[p]; ok && i != skip {
		return i
	}
	for _, i := range s.wild {
		if i != skip && s.low[i] != p && strings.HasPrefix(p, s.start[i]) && coversText(s.low[i], p) {
			return i
		}
	}
	return -1
}

// redundancy reports redundant patterns within each statement and
// redundant statements.
func (c *checker) redundancy() {
	sets := make([]*actionSet, len(c.doc.Statements))
	for k, st := range c.doc.Statements {
		if !st.Valid {
			continue
		}
		var set *actionSet
		if k < len(c.acts) {
			set = c.acts[k] // remembered with the statement's parse
		}
		if set == nil {
			set = newActionSet(st)
		}
		sets[k] = set
		for i, p := range st.Action {
			if p.Invalid {
				continue
			}
			j := set.coverer(set.low[i], i)
			if j < 0 || set.low[j] == set.low[i] {
				continue // nothing covers it, or it is listed twice: the parser reports that
			}
			key := "Action"
			if st.HasNotAction {
				key = "NotAction"
			}
			q := st.Action[j]
			c.add(Finding{Code: CodeRedundantAction, Severity: Info, Line: p.Line, Col: p.Col,
				Message: fmt.Sprintf("%q is redundant in %s: %q (line %d) already covers it", p.Text, key, q.Text, q.Line)})
		}
	}
	sts := c.doc.Statements
	for i, a := range sts {
		if !a.Valid {
			continue
		}
		for j, b := range sts {
			if i == j || !b.Valid || !statementCovers(b, a, sets[j], sets[i]) {
				continue
			}
			if j > i && statementCovers(a, b, sets[i], sets[j]) {
				continue // the same grant twice: report the later one
			}
			c.add(Finding{Code: CodeRedundantStatement, Severity: Info, Line: a.Line, Col: a.Col,
				Message: fmt.Sprintf("statement %d is redundant: statement %d (line %d) already %s every action on every resource it does, on the same terms", a.Index+1, b.Index+1, b.Line, map[Effect]string{Allow: "allows", Deny: "denies"}[a.Effect])})
			break
		}
	}
}

// statementCovers reports whether b allows (or denies) everything a does:
// the same effect, no principals, b's actions cover a's, b's resources
// cover a's, and b has no condition or the same ones.
func statementCovers(b, a *Statement, bs, as *actionSet) bool {
	if a.Effect != b.Effect || a.Principal != nil || a.NotPrincipal != nil || b.Principal != nil || b.NotPrincipal != nil {
		return false
	}
	if !a.HasAction || !b.HasAction || len(a.Action) == 0 {
		return false
	}
	for _, p := range as.low {
		if bs.coverer(p, -1) < 0 {
			return false
		}
	}
	switch {
	case b.AllResources():
	case a.HasResource && b.HasResource && !a.HasNotResource && !b.HasNotResource:
		for _, r := range a.Resource {
			if !slices.ContainsFunc(b.Resource, func(q Pattern) bool { return resourceCovers(q.Text, r.Text) }) {
				return false
			}
		}
	default:
		return false
	}
	return !b.Conditional() || sameConditions(a, b)
}

// resourceCovers reports whether resource pattern q covers r, by text
// (ARNs are case-sensitive).
func resourceCovers(q, r string) bool {
	if q == r || q == "*" {
		return true
	}
	if strings.Contains(q, "${") || strings.Contains(r, "${") {
		return false
	}
	return coversText(q, r)
}

// sameConditions reports whether two statements test the same conditions.
func sameConditions(a, b *Statement) bool {
	if len(a.Conditions) != len(b.Conditions) {
		return false
	}
	key := func(c Condition) string {
		vs := slices.Clone(c.Values)
		slices.Sort(vs)
		return c.Operator + "\x00" + strings.ToLower(c.Key) + "\x00" + strings.Join(vs, "\x00")
	}
	ka, kb := make([]string, len(a.Conditions)), make([]string, len(b.Conditions))
	for i := range a.Conditions {
		ka[i], kb[i] = key(a.Conditions[i]), key(b.Conditions[i])
	}
	slices.Sort(ka)
	slices.Sort(kb)
	return slices.Equal(ka, kb)
}
