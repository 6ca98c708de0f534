package policyreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// The schemas of the comparison and the expansion.
const (
	CompareSchema = "iamref.compare.v1"
	ExpandSchema  = "iamref.expand.v1"
)

// Side is one policy of a comparison: a document, analyzed, or a report
// (iamref.policy.v1) whose allowed list is taken as it is.
type Side struct {
	Name   string
	Source string // "document" or "report"
	// Allowed are the allowed actions in catalog order; an action of a
	// report the catalog lacks has Action nil and its name in ID.
	Allowed []SideAction
	Errors  int // error findings (a report's, or the analysis's)
}

// SideAction is an allowed action of a Side.
type SideAction struct {
	Action *catalog.Action // nil: a report's action the catalog lacks
	ID     string
}

// IsReport tells whether src is an iamref.policy.v1 report rather than a
// policy document: a JSON object whose "schema" is Schema.
func IsReport(src []byte) bool {
	var probe struct {
		Schema string `json:"schema"`
	}
	return bytes.HasPrefix(bytes.TrimSpace(src), []byte("{")) && json.Unmarshal(src, &probe) == nil && probe.Schema == Schema
}

// ReportSide reads the allowed actions of an iamref.policy.v1 report,
// looking them up in the catalog.
func ReportSide(src []byte, c *catalog.Catalog) (Side, error) {
	var r struct {
		Schema   string                      `json:"schema"`
		Name     string                      `json:"name"`
		Allowed  []struct{ Action string }   `json:"allowed"`
		Findings []struct{ Severity string } `json:"findings"`
	}
	if err := json.Unmarshal(src, &r); err != nil {
		return Side{}, fmt.Errorf("not an %s report: %v", Schema, err)
	}
	if r.Schema != Schema {
		return Side{}, fmt.Errorf("not an %s report: schema %q", Schema, r.Schema)
	}
	s := Side{Name: r.Name, Source: "report"}
	seen := map[string]bool{}
	for _, a := range r.Allowed {
		if seen[a.Action] {
			continue
		}
		seen[a.Action] = true
		s.Allowed = append(s.Allowed, SideAction{Action: c.Action(a.Action), ID: a.Action})
	}
	for _, f := range r.Findings {
		if f.Severity == string(policy.Error) {
			s.Errors++
		}
	}
	sort.SliceStable(s.Allowed, func(i, j int) bool { return sideLess(s.Allowed[i], s.Allowed[j]) })
	return s, nil
}

// AnalysisSide is the allowed actions of an analysis.
func AnalysisSide(name string, a *policy.Analysis) Side {
	s := Side{Name: name, Source: "document"}
	for _, g := range a.Result.Allowed {
		s.Allowed = append(s.Allowed, SideAction{Action: g.Action, ID: g.Action.ID()})
	}
	for _, f := range a.Findings() {
		if f.Severity == policy.Error {
			s.Errors++
		}
	}
	return s
}

// DocumentOrReport is the Side of src: a report's allowed list when src is
// a report, else the analysis of src as a document with opts.
func DocumentOrReport(e *policy.Engine, name string, src []byte, opts policy.Options) (Side, error) {
	if IsReport(src) {
		s, err := ReportSide(src, e.Catalog())
		if err == nil && s.Name == "" {
			s.Name = name
		}
		return s, err
	}
	return AnalysisSide(name, e.Analyze(src, opts)), nil
}

// sideLess is catalog order, by service prefix and action name; actions
// the catalog lacks are ordered by their ID's parts the same way.
func sideLess(a, b SideAction) bool {
	ap, an := splitID(a)
	bp, bn := splitID(b)
	if ap != bp {
		return ap < bp
	}
	return an < bn
}

func splitID(a SideAction) (prefix, name string) {
	if a.Action != nil {
		return a.Action.Service.Prefix, a.Action.Name
	}
	prefix, name, _ = strings.Cut(a.ID, ":")
	return strings.ToLower(prefix), name
}

type actionDoc struct {
	Action      string `json:"action"`
	AccessLevel string `json:"access_level"`
}

func actionEntry(a SideAction) actionDoc {
	if a.Action == nil {
		return actionDoc{Action: a.ID}
	}
	return actionDoc{Action: a.Action.ID(), AccessLevel: string(a.Action.EffectiveLevel())}
}

type sideDoc struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Allowed int    `json:"allowed"`
	Errors  int    `json:"errors"`
}

// EncodeComparison writes what only a allows, only b, and both, schema
// iamref.compare.v1 (docs/policy.md): compact JSON with a final newline.
func EncodeComparison(a, b Side, snap catalog.Snapshot) []byte {
	d := struct {
		Schema   string      `json:"schema"`
		Snapshot snapshotDoc `json:"snapshot"`
		A        sideDoc     `json:"a"`
		B        sideDoc     `json:"b"`
		OnlyA    []actionDoc `json:"only_a"`
		OnlyB    []actionDoc `json:"only_b"`
		Both     []actionDoc `json:"both"`
	}{
		Schema: CompareSchema, Snapshot: snapshotDoc{Date: snap.Date, Hash: snap.Hash},
		A: sideDoc{a.Name, a.Source, len(a.Allowed), a.Errors}, B: sideDoc{b.Name, b.Source, len(b.Allowed), b.Errors},
		OnlyA: []actionDoc{}, OnlyB: []actionDoc{}, Both: []actionDoc{},
	}
	i, j := 0, 0
	for i < len(a.Allowed) || j < len(b.Allowed) {
		switch {
		case j == len(b.Allowed) || i < len(a.Allowed) && sideLess(a.Allowed[i], b.Allowed[j]):
			d.OnlyA = append(d.OnlyA, actionEntry(a.Allowed[i]))
			i++
		case i == len(a.Allowed) || sideLess(b.Allowed[j], a.Allowed[i]):
			d.OnlyB = append(d.OnlyB, actionEntry(b.Allowed[j]))
			j++
		default:
			d.Both = append(d.Both, actionEntry(a.Allowed[i]))
			i++
			j++
		}
	}
	return encodeJSON(d)
}

// EncodeExpansion writes the catalog actions a pattern matches, schema
// iamref.expand.v1 (docs/policy.md): compact JSON with a final newline.
// Suggestions are given when nothing matches.
func EncodeExpansion(e *policy.Engine, pattern string) []byte {
	d := struct {
		Schema      string      `json:"schema"`
		Pattern     string      `json:"pattern"`
		Actions     []actionDoc `json:"actions"`
		Suggestions []string    `json:"suggestions"`
	}{Schema: ExpandSchema, Pattern: pattern, Actions: []actionDoc{}, Suggestions: []string{}}
	for _, a := range e.Match(pattern) {
		d.Actions = append(d.Actions, actionDoc{Action: a.ID(), AccessLevel: string(a.EffectiveLevel())})
	}
	if len(d.Actions) == 0 {
		d.Suggestions = nonNil(e.Suggest(pattern))
	}
	return encodeJSON(d)
}
