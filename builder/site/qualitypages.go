package site

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/diag"
)

// The data-quality page, /quality/, and its JSON twin, /api/quality.json:
// everything the build found wrong or odd in the data, each linked to the
// page where it shows. The policy problems come from the build's one
// policy evaluation (b.pol, policypages.go); nothing is evaluated again.

// QualityPage lists the data problems.
type QualityPage struct {
	Base
	Counts    []QualityCount
	Unknown   []*UnknownName // literal actions named by managed policies that the catalog lacks
	Wildcards []*UnknownName // wildcards of managed policies that match no action
	Dangling  []DanglingRef
	ARNs      []ARNProblem
	Empty     []*catalog.Service
	Dates     QualityDates
	Checks    *QualityChecks // qualitychecks.go
	API       string
}

// QualityCount is one number at the top of the page.
type QualityCount struct {
	Key    string // the JSON key, and the section's id
	Label  string
	Count  int
	Detail string
}

// UnknownName is a name (or wildcard) that managed policies use and the
// catalog has no action for, with every place that uses it.
type UnknownName struct {
	ID          string // element id
	Name        string
	Suggestions []ActionRef
	Refs        []PolicyRef
}

// PolicyRef is one use of a name in a managed policy.
type PolicyRef struct {
	Policy    string
	Path      string // the policy page at the statement
	Statement int    // 1-based
	Line, Col int
}

// DanglingRef is a resource type an action names that its service does not define.
type DanglingRef struct {
	ID       string
	Action   *catalog.Action
	Resource string
	Path     string // the action page at the resource-type row
}

// ARNProblem is an ARN format that is malformed or whose service part is
// not the service's prefix.
type ARNProblem struct {
	ID        string
	Resource  *catalog.ResourceType
	Path      string
	Malformed bool
	Problem   string
}

// QualityDates compares the dates of the data.
type QualityDates struct {
	Catalog      string // the catalog snapshot
	History      string // the latest history snapshot; "" without history
	PolicyNewest string // the newest UpdateDate of a managed policy (YYYY-MM-DD)
	PolicyName   string // that policy
	Newer        []PolicyDate
}

// PolicyDate is a managed policy updated after the catalog snapshot.
type PolicyDate struct {
	Name, Path, Updated string
	Unknown             int // names it uses that the catalog lacks
}

// qualityPage adds /quality/ and /api/quality.json, after the other pages.
func (b *builder) qualityPage() {
	p := &QualityPage{API: QualityAPIPath}
	p.Dates.Catalog = b.cat.Snapshot.Date
	ids := map[string]int{}
	uniq := func(id string) string {
		ids[id]++
		if n := ids[id]; n > 1 {
			return id + "-" + strconv.Itoa(n)
		}
		return id
	}

	// Policies: the unknown names and wildcards their evaluation found.
	if b.pol != nil {
		byName := map[string]*UnknownName{}
		for _, m := range b.pol.managed {
			unknown := 0
			for _, u := range m.View.Unknown {
				key := u.Pattern
				if u.Wildcard {
					key = "\x00" + key
				}
				n := byName[key]
				if n == nil {
					n = &UnknownName{Name: u.Pattern, Suggestions: u.Suggestions}
					byName[key] = n
					if u.Wildcard {
						p.Wildcards = append(p.Wildcards, n)
					} else {
						p.Unknown = append(p.Unknown, n)
					}
				}
				n.Refs = append(n.Refs, PolicyRef{Policy: m.Name(), Path: PolicyPath(m.Name()) + "#statement-" + strconv.Itoa(u.Statement+1), Statement: u.Statement + 1, Line: u.Line, Col: u.Col})
				unknown++
			}
			if d := policyDay(m.Policy.UpdateDate, m.Policy.CreateDate); d != "" {
				if d > p.Dates.PolicyNewest || d == p.Dates.PolicyNewest && m.Name() < p.Dates.PolicyName {
					p.Dates.PolicyNewest, p.Dates.PolicyName = d, m.Name()
				}
				if d > p.Dates.Catalog {
					p.Dates.Newer = append(p.Dates.Newer, PolicyDate{Name: m.Name(), Path: PolicyPath(m.Name()), Updated: d, Unknown: unknown})
				}
			}
		}
		for _, list := range [][]*UnknownName{p.Unknown, p.Wildcards} {
			sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		}
		for _, n := range p.Unknown {
			n.ID = uniq("unknown-" + Slug(n.Name))
		}
		for _, n := range p.Wildcards {
			n.ID = uniq("wildcard-" + Slug(n.Name))
		}
		sort.Slice(p.Dates.Newer, func(i, j int) bool {
			if p.Dates.Newer[i].Updated != p.Dates.Newer[j].Updated {
				return p.Dates.Newer[i].Updated > p.Dates.Newer[j].Updated
			}
			return p.Dates.Newer[i].Name < p.Dates.Newer[j].Name
		})
	}

	// The catalog: dangling resource types, ARN formats, empty services.
	for _, s := range b.cat.Services {
		if len(s.Actions) == 0 {
			p.Empty = append(p.Empty, s)
		}
		for _, a := range s.Actions {
			for _, r := range a.ResourceTypes {
				if r.Name != "" && r.Type == nil {
					p.Dangling = append(p.Dangling, DanglingRef{ID: uniq("dangling-" + s.Prefix + "-" + a.Name + "-" + Slug(r.Name)), Action: a, Resource: r.Name, Path: ActionPath(a) + "#resource-" + Slug(r.Name)})
				}
			}
		}
		for _, rt := range s.ResourceTypes {
			if bad, problem := arnsProblem(rt.ARNs(), s.Prefix); problem != "" {
				p.ARNs = append(p.ARNs, ARNProblem{ID: uniq("arn-" + s.Prefix + "-" + Slug(rt.Name)), Resource: rt, Path: ResourcePath(rt), Malformed: bad, Problem: problem})
			}
		}
	}
	sort.SliceStable(p.ARNs, func(i, j int) bool { return p.ARNs[i].Malformed && !p.ARNs[j].Malformed })
	for _, j := range b.jobs {
		if cp, ok := j.page.(*ChangesPage); ok && cp.Prefix == "" && len(cp.Snapshots) > 0 {
			p.Dates.History = cp.Snapshots[len(cp.Snapshots)-1].Date
		}
	}

	refs, wild := 0, 0
	for _, n := range p.Unknown {
		refs += len(n.Refs)
	}
	for _, n := range p.Wildcards {
		wild += len(n.Refs)
	}
	malformed := 0
	for _, a := range p.ARNs {
		if a.Malformed {
			malformed++
		}
	}
	p.Counts = []QualityCount{
		{"unknown_actions", "Actions named by managed policies that the catalog lacks", len(p.Unknown), fmt.Sprintf("%s uses in policies", commas(refs))},
		{"unmatched_wildcards", "Wildcards in managed policies that match no action", len(p.Wildcards), fmt.Sprintf("%s uses in policies", commas(wild))},
		{"dangling_resource_types", "Resource types an action names that its service does not define", len(p.Dangling), ""},
		{"malformed_arns", "Malformed ARN formats", malformed, ""},
		{"arn_service_mismatches", "ARN formats whose service part is not the prefix", len(p.ARNs) - malformed, ""},
		{"empty_services", "Services without actions", len(p.Empty), ""},
		{"policies_newer_than_catalog", "Managed policies updated after the catalog snapshot", len(p.Dates.Newer), "they may name actions the catalog does not have yet"},
	}
	p.Checks = b.qualityChecks()
	p.Counts = append(p.Counts, p.Checks.counts()...)
	total := 0
	for _, c := range p.Counts {
		total += c.Count
	}
	p.Base = b.base(QualityPath, "Data quality", fmt.Sprintf("What the build found wrong or odd in the IAM catalog of %s and the AWS managed policies: %s findings.", b.cat.Snapshot.Date, commas(total)), homeCrumb)
	b.add(qualityKind, p)
	b.addFile(QualityAPIPath, b.qualityJSON(p))
	for _, j := range b.jobs {
		if h, ok := j.page.(*HomePage); ok {
			h.Links = append(h.Links, Crumb{Name: fmt.Sprintf("Data quality (%s findings)", commas(total)), Path: QualityPath})
		}
	}
}

// policyDay is the day of a policy's last update (or creation).
func policyDay(updated, created string) string {
	d := updated
	if d == "" {
		d = created
	}
	if len(d) < len("2006-01-02") {
		return ""
	}
	return d[:len("2006-01-02")]
}

// arnsProblem checks each of a resource type's ARN formats, and reports
// the first problem.
func arnsProblem(arns []string, prefix string) (malformed bool, problem string) {
	for _, arn := range arns {
		if bad, p := arnProblem(arn, prefix); p != "" {
			return bad, p
		}
	}
	return false, ""
}

// arnProblem checks an ARN format: "arn:partition:service:region:account:resource".
// malformed is set for a format that is not one; otherwise problem is
// non-empty when the service part is not the prefix.
func arnProblem(arn, prefix string) (malformed bool, problem string) {
	switch {
	case arn == "":
		return true, "no ARN format"
	case strings.TrimSpace(arn) != arn || strings.ContainsAny(arn, " \t\n"):
		return true, "contains white space"
	case !strings.HasPrefix(arn, "arn:"):
		return true, `does not start with "arn:"`
	case strings.Count(arn, "${") != strings.Count(arn, "}"):
		return true, "unbalanced ${…} variable"
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return true, fmt.Sprintf("%d of the 6 colon-separated parts", len(parts))
	}
	if parts[5] == "" {
		return true, "no resource part"
	}
	if svc := parts[2]; svc != prefix {
		if svc == "" {
			return true, "empty service part"
		}
		return false, fmt.Sprintf("service part %q", svc)
	}
	return false, ""
}

// qualityJSON is /api/quality.json (schema iamref.quality.v1).
func (b *builder) qualityJSON(p *QualityPage) []byte {
	type ref struct {
		Policy    string `json:"policy"`
		URL       string `json:"url"`
		Statement int    `json:"statement"`
		Line      int    `json:"line"`
		Col       int    `json:"col"`
	}
	type name struct {
		Name        string   `json:"name"`
		URL         string   `json:"url"`
		Suggestions []string `json:"suggestions"`
		References  []ref    `json:"references"`
	}
	type dangling struct {
		Action       string `json:"action"`
		ResourceType string `json:"resource_type"`
		URL          string `json:"url"`
	}
	type arn struct {
		Service      string `json:"service"`
		ResourceType string `json:"resource_type"`
		ARN          string `json:"arn"`
		URL          string `json:"url"`
		Malformed    bool   `json:"malformed"`
		Problem      string `json:"problem"`
	}
	type empty struct {
		Prefix string `json:"prefix"`
		Name   string `json:"name"`
		URL    string `json:"url"`
	}
	type newer struct {
		Policy  string `json:"policy"`
		URL     string `json:"url"`
		Updated string `json:"updated"`
		Unknown int    `json:"unknown"`
	}
	type dates struct {
		Catalog      string  `json:"catalog"`
		History      string  `json:"history,omitempty"`
		PolicyNewest string  `json:"policies_newest"`
		PolicyName   string  `json:"policies_newest_name"`
		Newer        []newer `json:"policies_newer_than_catalog"`
	}
	names := func(ns []*UnknownName) []name {
		out := make([]name, 0, len(ns))
		for _, n := range ns {
			j := name{Name: n.Name, URL: QualityPath + "#" + n.ID, Suggestions: []string{}, References: []ref{}}
			for _, s := range n.Suggestions {
				j.Suggestions = append(j.Suggestions, s.Name)
			}
			for _, r := range n.Refs {
				j.References = append(j.References, ref{Policy: r.Policy, URL: r.Path, Statement: r.Statement, Line: r.Line, Col: r.Col})
			}
			out = append(out, j)
		}
		return out
	}
	counts := map[string]int{}
	for _, c := range p.Counts {
		counts[c.Key] = c.Count
	}
	doc := struct {
		Schema    string         `json:"schema"`
		URL       string         `json:"url"`
		Snapshot  snapshotDoc    `json:"snapshot"`
		Counts    map[string]int `json:"counts"`
		Unknown   []name         `json:"unknown_actions"`
		Wildcards []name         `json:"unmatched_wildcards"`
		Dangling  []dangling     `json:"dangling_resource_types"`
		ARNs      []arn          `json:"arn_formats"`
		Empty     []empty        `json:"empty_services"`
		Dates     dates          `json:"dates"`
		qualityChecksDoc
	}{Schema: "iamref.quality.v1", URL: QualityPath, Snapshot: snapshotDoc{Date: b.cat.Snapshot.Date, Hash: b.cat.Snapshot.Hash}, Counts: counts,
		Unknown: names(p.Unknown), Wildcards: names(p.Wildcards), Dangling: []dangling{}, ARNs: []arn{}, Empty: []empty{},
		Dates:            dates{Catalog: p.Dates.Catalog, History: p.Dates.History, PolicyNewest: p.Dates.PolicyNewest, PolicyName: p.Dates.PolicyName, Newer: []newer{}},
		qualityChecksDoc: p.Checks.json()}
	for _, d := range p.Dangling {
		doc.Dangling = append(doc.Dangling, dangling{Action: d.Action.ID(), ResourceType: d.Resource, URL: d.Path})
	}
	for _, a := range p.ARNs {
		doc.ARNs = append(doc.ARNs, arn{Service: a.Resource.Service.Prefix, ResourceType: a.Resource.Name, ARN: a.Resource.ARN, URL: a.Path, Malformed: a.Malformed, Problem: a.Problem})
	}
	for _, s := range p.Empty {
		doc.Empty = append(doc.Empty, empty{Prefix: s.Prefix, Name: s.Name, URL: ServicePath(s.Prefix)})
	}
	for _, n := range p.Dates.Newer {
		doc.Dates.Newer = append(doc.Dates.Newer, newer{Policy: n.Name, URL: n.Path, Updated: n.Updated, Unknown: n.Unknown})
	}
	data, err := json.Marshal(doc)
	if err != nil {
		b.errs = append(b.errs, &diag.Diagnostic{File: QualityAPIPath, Msg: err.Error()})
		return nil
	}
	return append(data, '\n')
}
