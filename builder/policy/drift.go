package policy

import (
	"io/fs"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/yamlpos"
)

// DocumentedTable is a managed-policy table as a service's documentation
// publishes it (content/docs/*.yaml): for each action, the policies the
// documentation says grant it.
type DocumentedTable struct {
	File     string
	Source   catalog.Link
	Policies []TablePolicy // in file order
	Rows     []DocumentedRow
}

// TablePolicy is one column of a documented table.
type TablePolicy struct {
	Abbrev string // as the table writes it, e.g. "FA"
	Name   string // the managed policy, e.g. "AmazonChimeFullAccess"
}

// DocumentedRow is one action of a documented table.
type DocumentedRow struct {
	Action   string   // as the documentation spells it
	Group    string   // the heading it is listed under
	Policies []string // abbreviations
	Line     int
}

// LoadDocumentedTable reads a table of the shape
//
//	source: {name: …, url: …}
//	policies: {FA: AmazonChimeFullAccess, …}
//	rows: [{action: chime:CreateAccount, group: Accounts, policies: [FA]}, …]
//
// and reports every problem as a diag.List.
func LoadDocumentedTable(fsys fs.FS, path string) (*DocumentedTable, error) {
	src, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, err
	}
	var raw struct {
		Source   catalog.Link `yaml:"source"`
		Policies yaml.Node    `yaml:"policies"`
		Rows     []struct {
			Action   string   `yaml:"action"`
			Group    string   `yaml:"group"`
			Policies []string `yaml:"policies"`
		} `yaml:"rows"`
	}
	root, errs := yamlpos.Parse(path, src, 1)
	if errs == nil {
		errs = yamlpos.Decode(path, root, &raw)
	}
	if errs != nil {
		return nil, errs.Err()
	}
	t := &DocumentedTable{File: path, Source: raw.Source}
	errf := func(n *yaml.Node, format string, args ...any) {
		errs.Add(path, n.Line, n.Column, format, args...)
	}
	abbrevs := map[string]bool{}
	if raw.Policies.Kind != yaml.MappingNode {
		errs.Add(path, 0, 0, "policies: want a mapping of abbreviations to managed policy names")
	} else {
		for i := 0; i+1 < len(raw.Policies.Content); i += 2 {
			k, v := raw.Policies.Content[i], raw.Policies.Content[i+1]
			if abbrevs[k.Value] {
				errf(k, "abbreviation %q defined twice", k.Value)
			}
			abbrevs[k.Value] = true
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				errf(v, "policy %s: want a managed policy name", k.Value)
				continue
			}
			t.Policies = append(t.Policies, TablePolicy{Abbrev: k.Value, Name: v.Value})
		}
	}
	// Positions of rows come from the node tree.
	rowNodes := yamlpos.Key(root, "rows")
	seen := map[string]int{}
	for i, r := range raw.Rows {
		node := &yaml.Node{Line: 1, Column: 1}
		if rowNodes != nil && i < len(rowNodes.Content) {
			node = rowNodes.Content[i]
		}
		row := DocumentedRow{Action: r.Action, Group: r.Group, Policies: r.Policies, Line: node.Line}
		if r.Action == "" {
			errf(node, "row %d has no action", i+1)
			continue
		}
		if prev, dup := seen[strings.ToLower(r.Action)]; dup {
			errf(node, "action %s is listed twice (also line %d)", r.Action, prev)
		}
		seen[strings.ToLower(r.Action)] = node.Line
		for _, a := range r.Policies {
			if !abbrevs[a] {
				errf(node, "action %s: unknown policy abbreviation %q", r.Action, a)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// DriftRow compares one action of a documented table with what the
// policies compute.
type DriftRow struct {
	Action string // as the table spells it; for Undocumented rows, the catalog ID
	Group  string
	Line   int // in the table file; 0 for Undocumented rows
	// Catalog is the catalog's action, nil when the catalog lacks it: then
	// Suggestions holds the nearest catalog names, and the cells' Computed
	// is false (the policies cannot grant what does not exist).
	Catalog     *catalog.Action
	Suggestions []string
	// Undocumented: the table does not list the action, but one of its
	// policies grants it (an action of a service the table covers).
	Undocumented bool
	Cells        []DriftCell // one per table policy, in table order
}

// DriftCell is one (action, policy) pair.
type DriftCell struct {
	Policy     TablePolicy
	Documented bool
	Computed   bool
	State      CellState // the computed grant's flags
	// SuggestedComputed is Computed for the first suggestion, when the
	// catalog lacks the action: "the guide says ListMeetingReportData,
	// the policy grants ListMeetingsReportData".
	SuggestedComputed bool
	Missing           bool // no result for this policy was given
}

// Drift reports whether the documented and computed answers differ.
func (c DriftCell) Drift() bool { return !c.Missing && c.Documented != c.Computed }

// HasDrift reports whether any cell of the row drifts, or the catalog lacks the action.
func (r DriftRow) HasDrift() bool {
	if r.Catalog == nil {
		return true
	}
	for _, c := range r.Cells {
		if c.Drift() {
			return true
		}
	}
	return false
}

// Drift compares a documented table with the evaluated policies, given by
// managed policy name. It returns the table's rows in table order, then
// the actions of the table's services that a table policy grants but the
// table does not list, in catalog order.
func (e *Engine) Drift(t *DocumentedTable, results map[string]*Result) []DriftRow {
	var out []DriftRow
	listed := map[*catalog.Action]bool{}
	services := map[*catalog.Service]bool{}
	cellsFor := func(a *catalog.Action, documented func(TablePolicy) bool) []DriftCell {
		cells := make([]DriftCell, len(t.Policies))
		for i, p := range t.Policies {
			c := DriftCell{Policy: p, Documented: documented(p)}
			r := results[p.Name]
			switch {
			case r == nil:
				c.Missing = true
			case a != nil:
				c.State = StateOf(r.Grant(a))
				c.Computed = c.State.Allowed()
			}
			cells[i] = c
		}
		return cells
	}
	for _, row := range t.Rows {
		a := e.cat.Action(row.Action)
		dr := DriftRow{Action: row.Action, Group: row.Group, Line: row.Line, Catalog: a}
		dr.Cells = cellsFor(a, func(p TablePolicy) bool {
			for _, x := range row.Policies {
				if x == p.Abbrev {
					return true
				}
			}
			return false
		})
		if a != nil {
			listed[a] = true
			services[a.Service] = true
		} else {
			dr.Suggestions = e.Suggest(row.Action)
			if len(dr.Suggestions) > 0 {
				if s := e.cat.Action(dr.Suggestions[0]); s != nil {
					for i := range dr.Cells {
						if r := results[dr.Cells[i].Policy.Name]; r != nil {
							dr.Cells[i].SuggestedComputed = r.Grant(s) != nil
						}
					}
				}
			}
		}
		out = append(out, dr)
	}
	for _, s := range e.cat.Services {
		if !services[s] {
			continue
		}
		for _, a := range s.Actions {
			if listed[a] {
				continue
			}
			cells := cellsFor(a, func(TablePolicy) bool { return false })
			granted := false
			for _, c := range cells {
				granted = granted || c.Computed
			}
			if granted {
				out = append(out, DriftRow{Action: a.ID(), Catalog: a, Undocumented: true, Cells: cells})
			}
		}
	}
	return out
}
