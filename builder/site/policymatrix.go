package site

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/internal/parallel"
)

// MatrixPage is a service's actions against the managed policies that
// allow at least one of them.
type MatrixPage struct {
	Base
	Service  *catalog.Service
	Columns  []MatrixCol // most-granting first, at most maxMatrixColumns
	Others   []MatrixCol // the granting policies past the cap
	Policies int         // every granting policy
	Groups   []MatrixGroupView
	Compares []CompareLink
	Drift    []*DriftView
}

// MatrixCol is one policy of a matrix.
type MatrixCol struct {
	Name, Path string
	Count      int // actions of the service the policy allows
}

// MatrixGroupView is the rows of one access level.
type MatrixGroupView struct {
	Level catalog.AccessLevel
	Rows  []MatrixRowView
}

// MatrixRowView is one action: a cell per column (nil: not allowed), and
// how many of the policies past the cap allow it too.
type MatrixRowView struct {
	Action *catalog.Action
	Cells  []*CellView
	More   int
}

// CellView is a grant state spelled out for templates: the CSS class,
// symbol and label of a matrix cell and the flags for badges. There is one
// per state, shared, so that rendering reads fields instead of calling
// methods (the matrices have 300,000 cells, the action pages 100,000 grants).
type CellView struct {
	Class, Symbol, Label                 string
	Allowed, Conditional, Scoped, Denied bool
}

var cellViews = func() (v [16]*CellView) {
	for s := range v {
		if st := GrantState(s); st.Allowed() {
			v[s] = &CellView{Class: st.Class(), Symbol: st.Symbol(), Label: st.Label(), Allowed: true, Conditional: st.Conditional(), Scoped: st.Scoped(), Denied: st.Denied()}
		}
	}
	return v
}()

// stateView is the shared view of a state; nil when not allowed.
func stateView(s policy.CellState) *CellView { return cellViews[s&15] }

// Span is the column count of a group heading row.
func (m *MatrixPage) Span() int {
	n := len(m.Columns) + 1
	if len(m.Others) > 0 {
		n++
	}
	return n
}

// Legend lists the cell states, for the legend.
func (m *MatrixPage) Legend() []*CellView {
	a := policy.CellAllowed
	return []*CellView{stateView(a), stateView(a | policy.CellConditional), stateView(a | policy.CellResourceScoped), stateView(a | policy.CellPartlyDenied)}
}

// matrices builds the matrix page of every service some policy grants in,
// and chooses the pairs to compare.
func (b *builder) matrices(mps []*policy.ManagedPolicy, results []*policy.Result) {
	ps := b.pol
	ps.matrices = map[*catalog.Service]*MatrixPage{}
	services := b.cat.Services
	pages := make([]*MatrixPage, len(services))
	parallel.Each(len(services), func(i int) {
		pages[i] = b.matrixPage(services[i], mps, results)
	})
	for i, s := range services {
		if pages[i] != nil {
			ps.matrices[s] = pages[i]
		}
	}
	for _, m := range ps.managed {
		ps.linkMatrices(m.View)
	}
	for _, ex := range ps.examples {
		ps.linkMatrices(ex.View)
	}
	for _, t := range ps.tables {
		for s := range t.services {
			if m := ps.matrices[s]; m != nil {
				m.Drift = append(m.Drift, t.view(b.cat, ps))
			}
		}
	}
}

// linkMatrices links each service of a policy's view to its matrix.
func (ps *policySet) linkMatrices(v *PolicyView) {
	for i := range v.Services {
		if ps.matrices[v.Services[i].Service] != nil {
			v.Services[i].Matrix = MatrixPath(v.Services[i].Service.Prefix)
		}
	}
}

func (b *builder) matrixPage(s *catalog.Service, mps []*policy.ManagedPolicy, results []*policy.Result) *MatrixPage {
	m := policy.ServiceMatrix(s, mps, results)
	if len(m.Columns) == 0 {
		return nil
	}
	desc := fmt.Sprintf("Which of %s AWS managed policies allow which %s actions, and on what terms.", commas(len(m.Columns)), s.Name)
	p := &MatrixPage{
		Base:     b.base(MatrixPath(s.Prefix), s.Name+" — managed policy matrix", desc, serviceCrumbs(s)...),
		Service:  s,
		Policies: len(m.Columns),
	}
	p.Short = "Managed policy matrix"
	shown := min(len(m.Columns), maxMatrixColumns)
	for i, c := range m.Columns {
		col := MatrixCol{Name: c.Policy.Name, Path: PolicyPath(c.Policy.Name), Count: c.Count}
		if i < shown {
			p.Columns = append(p.Columns, col)
		} else {
			p.Others = append(p.Others, col)
		}
	}
	for _, g := range m.Groups {
		gv := MatrixGroupView{Level: g.Level, Rows: make([]MatrixRowView, len(g.Rows))}
		for r, row := range g.Rows {
			rv := MatrixRowView{Action: row.Action, Cells: make([]*CellView, shown)}
			for c, cell := range row.Cells {
				if c < shown {
					rv.Cells[c] = stateView(cell.State)
				} else if cell.State.Allowed() {
					rv.More++
				}
			}
			gv.Rows[r] = rv
		}
		p.Groups = append(p.Groups, gv)
	}
	// Pairs to compare: the leading narrow columns.
	var narrow []string
	for _, c := range m.Columns {
		if mg := b.pol.byName[c.Policy.Name]; mg != nil && mg.Services <= broadServices {
			narrow = append(narrow, c.Policy.Name)
			if len(narrow) == compareColumns {
				break
			}
		}
	}
	for i := range narrow {
		for j := i + 1; j < len(narrow); j++ {
			a, bn := narrow[i], narrow[j]
			if bn < a {
				a, bn = bn, a
			}
			p.Compares = append(p.Compares, CompareLink{A: a, B: bn, Path: ComparePath(a, bn)})
		}
	}
	sort.Slice(p.Compares, func(i, j int) bool { return p.Compares[i].Path < p.Compares[j].Path })
	return p
}

// ComparePage compares two managed policies.
type ComparePage struct {
	Base
	A, B               *Managed
	OnlyA, OnlyB, Both int
	Services           []CompareService
}

// CompareService is the comparison within one service.
type CompareService struct {
	Service            *catalog.Service
	OnlyA, OnlyB, Both int
	Levels             []CompareLevel
}

// CompareLevel is the comparison within one access level.
type CompareLevel struct {
	Level              catalog.AccessLevel
	OnlyA, Both, OnlyB []*catalog.Action
}

// comparePages adds a comparison for every pair a matrix chose, once, and
// returns the comparisons of each policy by name.
func (b *builder) comparePages() map[string][]CompareLink {
	ps := b.pol
	seen := map[string]bool{}
	var links []CompareLink
	for _, s := range b.cat.Services {
		if m := ps.matrices[s]; m != nil {
			for _, c := range m.Compares {
				if !seen[c.Path] {
					seen[c.Path] = true
					links = append(links, c)
				}
			}
		}
	}
	for _, c := range familyComparisons(ps) {
		if !seen[c.Path] {
			seen[c.Path] = true
			links = append(links, c)
		}
	}
	for _, c := range b.promisedComparisons() { // promises.go
		if !seen[c.Path] {
			seen[c.Path] = true
			links = append(links, c)
		}
	}
	sort.Slice(links, func(i, j int) bool { return links[i].Path < links[j].Path })
	pages := make([]*ComparePage, len(links))
	parallel.Each(len(links), func(i int) { pages[i] = b.comparePage(ps.byName[links[i].A], ps.byName[links[i].B]) })
	byPolicy := map[string][]CompareLink{}
	for i, c := range links {
		b.add(compareKind, pages[i])
		byPolicy[c.A] = append(byPolicy[c.A], c)
		byPolicy[c.B] = append(byPolicy[c.B], c)
	}
	return byPolicy
}

// comparePair is the two policies of a comparison's path
// (/policies/compare/<A>/<B>/).
func comparePair(u string) (a, b string, ok bool) {
	rest, ok := strings.CutPrefix(u, PoliciesPath+"compare/")
	if !ok {
		return "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] != "" {
		return "", "", false
	}
	return parts[0], parts[1], true
}

func (b *builder) comparePage(a, bm *Managed) *ComparePage {
	c := policy.Compare(a.View.Result, bm.View.Result)
	p := &ComparePage{
		Base:  b.base(ComparePath(a.Name(), bm.Name()), a.Name()+" compared with "+bm.Name(), fmt.Sprintf("The actions only %s allows, only %s allows, and both allow.", a.Name(), bm.Name()), homeCrumb, Crumb{Name: "Managed policies", Path: PoliciesPath}),
		A:     a,
		B:     bm,
		OnlyA: len(c.OnlyA), OnlyB: len(c.OnlyB), Both: len(c.Both),
	}
	p.Short = "Comparison"
	bySvc := map[*catalog.Service]*CompareService{}
	get := func(x *catalog.Action) *CompareLevel {
		cs := bySvc[x.Service]
		if cs == nil {
			cs = &CompareService{Service: x.Service}
			bySvc[x.Service] = cs
		}
		for i := range cs.Levels {
			if cs.Levels[i].Level == x.AccessLevel {
				return &cs.Levels[i]
			}
		}
		cs.Levels = append(cs.Levels, CompareLevel{Level: x.AccessLevel})
		return &cs.Levels[len(cs.Levels)-1]
	}
	for _, x := range c.OnlyA {
		l := get(x)
		l.OnlyA = append(l.OnlyA, x)
		bySvc[x.Service].OnlyA++
	}
	for _, x := range c.Both {
		l := get(x)
		l.Both = append(l.Both, x)
		bySvc[x.Service].Both++
	}
	for _, x := range c.OnlyB {
		l := get(x)
		l.OnlyB = append(l.OnlyB, x)
		bySvc[x.Service].OnlyB++
	}
	for _, cs := range bySvc {
		sort.Slice(cs.Levels, func(i, j int) bool { return cs.Levels[i].Level.Index() < cs.Levels[j].Level.Index() })
		p.Services = append(p.Services, *cs)
	}
	sort.Slice(p.Services, func(i, j int) bool { return p.Services[i].Service.Prefix < p.Services[j].Service.Prefix })
	return p
}

// DriftView is a documented managed-policy table against the computed grants.
type DriftView struct {
	File         string
	Source       catalog.Link
	Policies     []TableCol
	Rows         int            // rows of the table
	Drift        []DriftRowView // rows of the table the documents contradict
	Undocumented []DriftRowView // actions a table policy grants that the table does not list
	Unknown      []DriftRowView // the table's actions the catalog lacks
}

// TableCol is one policy of a documented table.
type TableCol struct {
	Abbrev, Name, Path string // Path "" when the policy is not shipped
}

// DriftRowView is one disagreeing row.
type DriftRowView struct {
	policy.DriftRow
	Suggestions []ActionRef
	Cells       []DriftCellView
}

// DriftCellView is one documented-or-computed cell.
type DriftCellView struct {
	policy.DriftCell
	State *CellView // nil when not granted
}

// readTables reads content/docs/*-managed-policy-table.yaml, adding every
// problem to the build's errors.
func (b *builder) readTables() []*policy.DocumentedTable {
	files, _ := fs.Glob(b.cfg.Content, "docs/*-managed-policy-table.yaml")
	sort.Strings(files)
	var tables []*policy.DocumentedTable
	for _, f := range files {
		t, err := policy.LoadDocumentedTable(b.cfg.Content, f)
		if err != nil {
			b.errs = append(b.errs, diag.From(f, err)...)
			continue
		}
		tables = append(tables, t)
	}
	return tables
}

// compareTables compares each documented table with the evaluated
// managed policies.
func (b *builder) compareTables(tables []*policy.DocumentedTable, results []*policy.Result) {
	ps := b.pol
	byName := map[string]*policy.Result{}
	for i, m := range ps.managed {
		byName[m.Name()] = results[i]
	}
	for _, t := range tables {
		dt := &docTable{table: t, services: map[*catalog.Service]bool{}}
		for _, r := range t.Rows {
			pfx, _, _ := strings.Cut(r.Action, ":")
			if s := b.cat.Service(pfx); s != nil {
				dt.services[s] = true
			}
		}
		dt.rows = ps.engine.Drift(t, byName)
		ps.tables = append(ps.tables, dt)
	}
}

// view is the drift of the table, for a matrix page.
func (t *docTable) view(cat *catalog.Catalog, ps *policySet) *DriftView {
	v := &DriftView{File: t.table.File, Source: t.table.Source, Rows: len(t.table.Rows)}
	for _, p := range t.table.Policies {
		col := TableCol{Abbrev: p.Abbrev, Name: p.Name}
		if ps.byName[p.Name] != nil {
			col.Path = PolicyPath(p.Name)
		}
		v.Policies = append(v.Policies, col)
	}
	for _, r := range t.rows {
		if !r.HasDrift() {
			continue
		}
		rv := DriftRowView{DriftRow: r}
		for _, s := range r.Suggestions {
			rv.Suggestions = append(rv.Suggestions, ActionRef{Name: s, Action: cat.Action(s)})
		}
		for _, c := range r.Cells {
			rv.Cells = append(rv.Cells, DriftCellView{DriftCell: c, State: stateView(c.State)})
		}
		switch {
		case r.Catalog == nil:
			v.Unknown = append(v.Unknown, rv)
		case r.Undocumented:
			v.Undocumented = append(v.Undocumented, rv)
		default:
			v.Drift = append(v.Drift, rv)
		}
	}
	return v
}

// DriftTable is the argument of the "drift-table" template.
type DriftTable struct {
	Page  Page
	Table *DriftView
	Rows  []DriftRowView
}

// With pairs rows of the view with the page that shows them.
func (v *DriftView) With(p Page, rows []DriftRowView) DriftTable {
	return DriftTable{Page: p, Table: v, Rows: rows}
}

// familyComparisons are the pairs a reader asks for first and no matrix
// picks when their service has too many policies: a service's
// <X>FullAccess and <X>ReadOnlyAccess (AmazonEC2FullAccess and
// AmazonEC2ReadOnlyAccess), or <X>ReadOnly. Other pairs are compared in
// the browser, on the managed policies' index, from their JSON twins.
func familyComparisons(ps *policySet) []CompareLink {
	var out []CompareLink
	for _, m := range ps.managed {
		base, ok := strings.CutSuffix(m.Policy.Name, "FullAccess")
		if !ok || base == "" {
			continue
		}
		for _, ro := range []string{base + "ReadOnlyAccess", base + "ReadOnly"} {
			if ps.byName[ro] != nil {
				a, bn := m.Policy.Name, ro
				if bn < a {
					a, bn = bn, a
				}
				out = append(out, CompareLink{A: a, B: bn, Path: ComparePath(a, bn)})
				break
			}
		}
	}
	return out
}
