package policy

import (
	"sort"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
)

// Comparison splits the allowed actions of two results.
type Comparison struct {
	OnlyA, OnlyB, Both []*catalog.Action // each in catalog order
}

// Compare says which actions only a allows, only b allows, and both allow.
func Compare(a, b *Result) Comparison {
	var c Comparison
	i, j := 0, 0
	for i < len(a.Allowed) || j < len(b.Allowed) {
		switch {
		case j == len(b.Allowed) || i < len(a.Allowed) && actionLess(a.Allowed[i].Action, b.Allowed[j].Action):
			c.OnlyA = append(c.OnlyA, a.Allowed[i].Action)
			i++
		case i == len(a.Allowed) || actionLess(b.Allowed[j].Action, a.Allowed[i].Action):
			c.OnlyB = append(c.OnlyB, b.Allowed[j].Action)
			j++
		default:
			c.Both = append(c.Both, a.Allowed[i].Action)
			i++
			j++
		}
	}
	return c
}

// CellState is what one policy does with one action, as a set of flags:
// a grant can be conditional and resource-scoped and partly denied at once.
// The zero value means the policy does not allow the action.
type CellState uint8

// The flags of a CellState.
const (
	CellAllowed CellState = 1 << iota
	CellConditional
	CellResourceScoped
	CellPartlyDenied
)

// StateOf is the cell state of a grant (nil: not allowed).
func StateOf(g *Grant) CellState {
	if g == nil {
		return 0
	}
	s := CellAllowed
	if g.Conditional {
		s |= CellConditional
	}
	if g.ResourceScoped {
		s |= CellResourceScoped
	}
	if g.PartlyDenied {
		s |= CellPartlyDenied
	}
	return s
}

// Allowed reports whether the policy allows the action at all.
func (s CellState) Allowed() bool { return s&CellAllowed != 0 }

// Has reports whether every flag of f is set.
func (s CellState) Has(f CellState) bool { return s&f == f }

// Unrestricted is an allowed cell with no condition, no resource scope and no partial deny.
func (s CellState) Unrestricted() bool { return s == CellAllowed }

// String names the flags, e.g. "allowed+conditional+resource-scoped", or "none".
func (s CellState) String() string {
	if s == 0 {
		return "none"
	}
	var parts []string
	for _, f := range []struct {
		flag CellState
		name string
	}{{CellAllowed, "allowed"}, {CellConditional, "conditional"}, {CellResourceScoped, "resource-scoped"}, {CellPartlyDenied, "partly-denied"}} {
		if s.Has(f.flag) {
			parts = append(parts, f.name)
		}
	}
	return strings.Join(parts, "+")
}

// Matrix is a service's actions against the managed policies that allow
// at least one of them.
type Matrix struct {
	Service *catalog.Service
	Columns []MatrixColumn // most-granting first, ties by name
	Groups  []MatrixGroup  // by access level, in catalog.AccessLevels order; empty levels left out
}

// MatrixColumn is one policy of a matrix.
type MatrixColumn struct {
	Policy *ManagedPolicy
	Result *Result
	Count  int // actions of the service the policy allows
}

// MatrixGroup is the rows of one access level.
type MatrixGroup struct {
	Level catalog.AccessLevel // "" for actions whose level the catalog does not know
	Rows  []MatrixRow
}

// MatrixRow is one action and what each column does with it.
type MatrixRow struct {
	Action *catalog.Action
	Cells  []Cell // Cells[i] belongs to Columns[i]
}

// Cell is one policy × action.
type Cell struct {
	State CellState
	Grant *Grant // nil when not allowed
}

// serviceGrants is the part of r.Allowed that belongs to service s.
func serviceGrants(r *Result, s *catalog.Service) []Grant {
	lo := sort.Search(len(r.Allowed), func(i int) bool { return r.Allowed[i].Action.Service.Prefix >= s.Prefix })
	hi := lo
	for hi < len(r.Allowed) && r.Allowed[hi].Action.Service == s {
		hi++
	}
	return r.Allowed[lo:hi]
}

// ServiceMatrix builds the matrix of a service from every managed policy
// and its result (results[i] belongs to policies[i]).
func ServiceMatrix(s *catalog.Service, policies []*ManagedPolicy, results []*Result) *Matrix {
	m := &Matrix{Service: s}
	var grants [][]Grant
	for i, p := range policies {
		g := serviceGrants(results[i], s)
		if len(g) > 0 {
			m.Columns = append(m.Columns, MatrixColumn{Policy: p, Result: results[i], Count: len(g)})
			grants = append(grants, g)
		}
	}
	order := make([]int, len(m.Columns))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		a, b := m.Columns[order[x]], m.Columns[order[y]]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Policy.Name < b.Policy.Name
	})
	cols := make([]MatrixColumn, len(order))
	sorted := make([][]Grant, len(order))
	for i, k := range order {
		cols[i], sorted[i] = m.Columns[k], grants[k]
	}
	m.Columns, grants = cols, sorted

	// Both the service's actions and each column's grants are in name
	// order: walk them side by side.
	rows := make([]MatrixRow, len(s.Actions))
	next := make([]int, len(grants))
	for r, a := range s.Actions {
		row := MatrixRow{Action: a, Cells: make([]Cell, len(grants))}
		for c, g := range grants {
			if k := next[c]; k < len(g) && g[k].Action == a {
				row.Cells[c] = Cell{State: StateOf(&g[k]), Grant: &g[k]}
				next[c]++
			}
		}
		rows[r] = row
	}
	levels := append(append([]catalog.AccessLevel{}, catalog.AccessLevels...), "")
	for _, l := range levels {
		var g MatrixGroup
		g.Level = l
		for _, row := range rows {
			if row.Action.AccessLevel == l || l == "" && row.Action.AccessLevel.Index() == len(catalog.AccessLevels) {
				g.Rows = append(g.Rows, row)
			}
		}
		if len(g.Rows) > 0 {
			m.Groups = append(m.Groups, g)
		}
	}
	return m
}

// PolicyGrant is one managed policy's grant of an action.
type PolicyGrant struct {
	Policy *ManagedPolicy
	Grant  *Grant // GrantedBy holds the patterns
}

// PolicyUnknown is one managed policy's reference to a name the catalog lacks.
type PolicyUnknown struct {
	Policy  *ManagedPolicy
	Unknown *UnknownAction
}

// ReverseIndex answers, for an action, which managed policies grant it.
type ReverseIndex struct {
	byAction  map[*catalog.Action][]PolicyGrant
	byUnknown map[string][]PolicyUnknown // lower-case name
}

// NewReverseIndex indexes the results of the managed policies
// (results[i] belongs to policies[i]).
func NewReverseIndex(policies []*ManagedPolicy, results []*Result) *ReverseIndex {
	x := &ReverseIndex{byAction: map[*catalog.Action][]PolicyGrant{}, byUnknown: map[string][]PolicyUnknown{}}
	for i, p := range policies {
		r := results[i]
		for k := range r.Allowed {
			g := &r.Allowed[k]
			x.byAction[g.Action] = append(x.byAction[g.Action], PolicyGrant{Policy: p, Grant: g})
		}
		for k := range r.Unknown {
			u := &r.Unknown[k]
			key := strings.ToLower(u.Pattern)
			x.byUnknown[key] = append(x.byUnknown[key], PolicyUnknown{Policy: p, Unknown: u})
		}
	}
	return x
}

// Grants lists the policies that allow the action, in the order of the
// policies given to NewReverseIndex (LoadManaged sorts them by name).
func (x *ReverseIndex) Grants(a *catalog.Action) []PolicyGrant { return x.byAction[a] }

// Unknown lists the policies that name id although the catalog lacks it
// (compared case-insensitively).
func (x *ReverseIndex) Unknown(id string) []PolicyUnknown { return x.byUnknown[strings.ToLower(id)] }

// UnknownIDs lists every unknown name the policies use, lower-cased and sorted.
func (x *ReverseIndex) UnknownIDs() []string {
	out := make([]string, 0, len(x.byUnknown))
	for k := range x.byUnknown {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
