package site

import (
	"bytes"
	"encoding/json"

	"github.com/iamref/iamref/builder/policy"
)

// The JSON of /api/policies/<PolicyName>.json and /api/examples/<slug>.json
// (schema iamref.policy.v1, documented in the README). It is written
// compact: AdministratorAccess allows 21,123 actions.
type policyAPIDoc struct {
	Schema          string         `json:"schema"`
	Kind            string         `json:"kind"` // "managed" or "example"
	Name            string         `json:"name"` // policy name, or the example's slug
	Title           string         `json:"title,omitempty"`
	URL             string         `json:"url"`
	ARN             string         `json:"arn"`
	Version         string         `json:"version"` // default version id of a managed policy
	DocumentVersion string         `json:"document_version"`
	Deprecated      bool           `json:"deprecated"`
	Created         string         `json:"created,omitempty"`
	Updated         string         `json:"updated,omitempty"`
	Snapshot        snapshotDoc    `json:"snapshot"`
	Allowed         []allowedDoc   `json:"allowed"`
	Unknown         []unknownDoc   `json:"unknown"`
	Findings        []findingDoc   `json:"findings"`
	Statements      []statementDoc `json:"statements"`
}

type allowedDoc struct {
	Action         string        `json:"action"`
	AccessLevel    string        `json:"access_level"`
	GrantedBy      []grantRefDoc `json:"granted_by"`
	Conditional    bool          `json:"conditional"`
	ResourceScoped bool          `json:"resource_scoped"`
	PartlyDenied   bool          `json:"partly_denied"`
	DeniedBy       []grantRefDoc `json:"denied_by,omitempty"`
}

type grantRefDoc struct {
	Statement int    `json:"statement"` // 1-based, as #statement-<n> on the page
	Sid       string `json:"sid"`
	Pattern   string `json:"pattern"` // "" for a NotAction statement
	NotAction bool   `json:"not_action,omitempty"`
}

type unknownDoc struct {
	Pattern     string   `json:"pattern"`
	Wildcard    bool     `json:"wildcard"`
	Statement   int      `json:"statement"`
	Sid         string   `json:"sid"`
	Effect      string   `json:"effect"`
	NotAction   bool     `json:"not_action"`
	Line        int      `json:"line"`
	Col         int      `json:"col"`
	Suggestions []string `json:"suggestions"`
}

type findingDoc struct {
	Severity    string   `json:"severity"`
	Line        int      `json:"line"`
	Col         int      `json:"col"`
	Message     string   `json:"message"`
	Suggestions []string `json:"suggestions"`
}

type statementDoc struct {
	Statement int    `json:"statement"`
	Sid       string `json:"sid"`
	Effect    string `json:"effect"`
	Line      int    `json:"line"`
	Valid     bool   `json:"valid"`
}

func grantRefs(refs []policy.GrantRef) []grantRefDoc {
	out := make([]grantRefDoc, len(refs))
	for i, r := range refs {
		out[i] = grantRefDoc{Statement: r.Statement + 1, Sid: r.Sid, Pattern: r.Pattern, NotAction: r.NotAction}
	}
	return out
}

// policyJSON is the JSON of a managed policy (mp set) or an example.
func (b *builder) policyJSON(mp *policy.ManagedPolicy, ex *Example, v *PolicyView) []byte {
	d := policyAPIDoc{
		Schema: "iamref.policy.v1", DocumentVersion: v.Doc.Version,
		Snapshot: snapshotDoc{Date: b.cat.Snapshot.Date, Hash: b.cat.Snapshot.Hash},
		Allowed:  make([]allowedDoc, len(v.Result.Allowed)), Unknown: []unknownDoc{}, Findings: []findingDoc{}, Statements: []statementDoc{},
	}
	if mp != nil {
		d.Kind, d.Name, d.URL, d.ARN, d.Version = "managed", mp.Name, PolicyPath(mp.Name), mp.ARN, mp.Version
		d.Deprecated, d.Created, d.Updated = mp.Deprecated, mp.CreateDate, mp.UpdateDate
	} else {
		d.Kind, d.Name, d.Title, d.URL = "example", ex.Slug, ex.Doc.Title, ExamplePath(ex.Slug)
	}
	for i := range v.Result.Allowed {
		g := &v.Result.Allowed[i]
		ad := allowedDoc{Action: g.Action.ID(), AccessLevel: string(g.Action.AccessLevel), GrantedBy: grantRefs(g.GrantedBy),
			Conditional: g.Conditional, ResourceScoped: g.ResourceScoped, PartlyDenied: g.PartlyDenied}
		if len(g.DeniedBy) > 0 {
			ad.DeniedBy = grantRefs(g.DeniedBy)
		}
		d.Allowed[i] = ad
	}
	for _, u := range v.Unknown {
		d.Unknown = append(d.Unknown, unknownDoc{Pattern: u.Pattern, Wildcard: u.Wildcard, Statement: u.Statement + 1, Sid: u.Sid, Effect: string(u.Effect),
			NotAction: u.NotAction, Line: u.Line, Col: u.Col, Suggestions: nonNil(u.UnknownAction.Suggestions)})
	}
	for _, f := range v.Findings {
		d.Findings = append(d.Findings, findingDoc{Severity: string(f.Severity), Line: f.Line, Col: f.Col, Message: f.Message, Suggestions: nonNil(f.Finding.Suggestions)})
	}
	for _, st := range v.Statements {
		d.Statements = append(d.Statements, statementDoc{Statement: st.N, Sid: st.Sid, Effect: string(st.Effect), Line: st.Line, Valid: st.Valid})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		panic(err) // only plain structs reach here
	}
	return buf.Bytes()
}
