package site

import (
	"bytes"
	"strconv"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// The JSON of /api/policies/<PolicyName>.json and /api/examples/<slug>.json
// (schema iamref.policy.v1, documented in docs/api.md). It is written
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
	// The checks: the kind the document was checked as, the
	// privilege-escalation paths it opens and its sensitive actions.
	PolicyType      string         `json:"policy_type"`
	KindGuessed     bool           `json:"policy_type_guessed"`
	EscalationPaths []pathDoc      `json:"escalation_paths"`
	Sensitive       []sensitiveDoc `json:"sensitive_actions"`
	// Versions are a managed policy's versions, oldest first, each with
	// the actions it added and removed against the version before it
	// (the first lists what it allows in Added); policyversions.go.
	Versions []versionDoc `json:"versions,omitempty"`
}

type versionDoc struct {
	Version string   `json:"version"`
	Date    string   `json:"date"` // YYYY-MM-DD, "" when not known
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

type pathDoc struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Category string   `json:"category"`
	URL      string   `json:"url"`
	Limited  bool     `json:"limited"` // some required action is conditional, resource-scoped or partly denied
	Actions  []string `json:"actions"`
}

type sensitiveDoc struct {
	Category string   `json:"category"`
	Actions  []string `json:"actions"`
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
	Code        string   `json:"code"`
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

// policyJSON is the JSON of a managed policy (mp set) or an example.
func (b *builder) policyJSON(mp *policy.ManagedPolicy, ex *Example, v *PolicyView) []byte {
	d := policyAPIDoc{
		Schema: "iamref.policy.v1", DocumentVersion: v.Doc.Version,
		Snapshot: snapshotDoc{Date: b.cat.Snapshot.Date, Hash: b.cat.Snapshot.Hash},
		Unknown:  []unknownDoc{}, Findings: []findingDoc{}, Statements: []statementDoc{},
	}
	if mp != nil {
		d.Kind, d.Name, d.URL, d.ARN, d.Version = "managed", mp.Name, PolicyPath(mp.Name), mp.ARN, mp.Version
		d.Deprecated, d.Created, d.Updated = mp.Deprecated, mp.CreateDate, mp.UpdateDate
		if m := b.pol.byName[mp.Name]; m != nil && m.History != nil {
			d.Versions = versionDocs(m.History)
		}
	} else {
		d.Kind, d.Name, d.Title, d.URL = "example", ex.Slug, ex.Doc.Title, ExamplePath(ex.Slug)
	}
	// The allowed list, up to 21,123 entries, is written by allowedList;
	// the rest by encoding/json, with an empty list spliced open.
	d.Allowed = []allowedDoc{}
	for _, u := range v.Unknown {
		d.Unknown = append(d.Unknown, unknownDoc{Pattern: u.Pattern, Wildcard: u.Wildcard, Statement: u.Statement + 1, Sid: u.Sid, Effect: string(u.Effect),
			NotAction: u.NotAction, Line: u.Line, Col: u.Col, Suggestions: nonNil(u.UnknownAction.Suggestions)})
	}
	for _, f := range v.Findings {
		d.Findings = append(d.Findings, findingDoc{Code: string(f.Code), Severity: string(f.Severity), Line: f.Line, Col: f.Col, Message: f.Message, Suggestions: nonNil(f.Finding.Suggestions)})
	}
	d.PolicyType, d.KindGuessed = string(v.Analysis.Kind), v.Analysis.KindGuessed
	d.EscalationPaths, d.Sensitive = []pathDoc{}, []sensitiveDoc{}
	for _, op := range v.Analysis.Paths {
		pd := pathDoc{ID: op.Path.ID, Name: op.Path.Name, Category: op.Path.Category, URL: op.Path.URL, Limited: op.Limited, Actions: []string{}}
		for _, g := range op.Grants {
			pd.Actions = append(pd.Actions, g.Action.ID())
		}
		d.EscalationPaths = append(d.EscalationPaths, pd)
	}
	for _, sg := range v.Analysis.Sensitive {
		sd := sensitiveDoc{Category: string(sg.Category), Actions: []string{}}
		for _, g := range sg.Grants {
			sd.Actions = append(sd.Actions, g.Action.ID())
		}
		d.Sensitive = append(d.Sensitive, sd)
	}
	for _, st := range v.Statements {
		d.Statements = append(d.Statements, statementDoc{Statement: st.N, Sid: st.Sid, Effect: string(st.Effect), Line: st.Line, Valid: st.Valid})
	}
	head := encodeJSON(d, "")
	i := bytes.Index(head, allowedMark)
	if i < 0 {
		panic("policyJSON: no allowed list in " + string(head))
	}
	i += len(allowedMark) - 1 // at the list's ']'
	list := newAllowedList(v.Result.Allowed)
	out := make([]byte, 0, len(head)+list.size())
	out = append(out, head[:i]...)
	out = list.append(out)
	return append(out, head[i:]...)
}

// allowedMark is the empty allowed list in the encoded head. No key before
// it is "allowed", and a string value cannot hold it: its quotes would be
// escaped.
var allowedMark = []byte(`,"allowed":[]`)

// allowedList writes the entries of an allowed list as encoding/json
// writes []allowedDoc (TestAppendAllowed holds it to that), without
// reflection, with each distinct grant reference encoded once (all 21,123
// entries of AdministratorAccess name the same one), into a buffer sized
// once: a 4 MB list grown by doubling allocated three times its size.
type allowedList struct {
	allowed []policy.Grant
	refs    map[policy.GrantRef][]byte
}

func newAllowedList(allowed []policy.Grant) *allowedList {
	return &allowedList{allowed: allowed, refs: map[policy.GrantRef][]byte{}}
}

// ref is the encoded grant reference.
func (l *allowedList) ref(r policy.GrantRef) []byte {
	enc, ok := l.refs[r]
	if !ok {
		enc = jsonValue(grantRefDoc{Statement: r.Statement + 1, Sid: r.Sid, Pattern: r.Pattern, NotAction: r.NotAction})
		l.refs[r] = enc
	}
	return enc
}

// size is an upper bound of the bytes append writes.
func (l *allowedList) size() int {
	const fixed = len(`,{"action":"","access_level":"","granted_by":[],"conditional":false,"resource_scoped":false,"partly_denied":false,"denied_by":[]}`)
	refs := func(rs []policy.GrantRef) int {
		n := 0
		for _, r := range rs {
			n += len(l.ref(r)) + 1
		}
		return n
	}
	n := 0
	for i := range l.allowed {
		g := &l.allowed[i]
		n += fixed + jsonLen(g.Action.Service.Prefix) + 1 + jsonLen(g.Action.Name) + jsonLen(string(g.Action.AccessLevel)) + refs(g.GrantedBy) + refs(g.DeniedBy)
	}
	return n
}

func (l *allowedList) append(out []byte) []byte {
	appendRefs := func(out []byte, rs []policy.GrantRef) []byte {
		out = append(out, '[')
		for i, r := range rs {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, l.ref(r)...)
		}
		return append(out, ']')
	}
	for i := range l.allowed {
		g := &l.allowed[i]
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"action":`...)
		if plainJSON(g.Action.Service.Prefix) && plainJSON(g.Action.Name) {
			out = append(append(append(append(append(out, '"'), g.Action.Service.Prefix...), ':'), g.Action.Name...), '"')
		} else {
			out = appendJSONString(out, g.Action.ID())
		}
		out = append(out, `,"access_level":`...)
		out = appendJSONString(out, string(g.Action.AccessLevel))
		out = append(out, `,"granted_by":`...)
		out = appendRefs(out, g.GrantedBy)
		out = append(out, `,"conditional":`...)
		out = strconv.AppendBool(out, g.Conditional)
		out = append(out, `,"resource_scoped":`...)
		out = strconv.AppendBool(out, g.ResourceScoped)
		out = append(out, `,"partly_denied":`...)
		out = strconv.AppendBool(out, g.PartlyDenied)
		if len(g.DeniedBy) > 0 {
			out = append(out, `,"denied_by":`...)
			out = appendRefs(out, g.DeniedBy)
		}
		out = append(out, '}')
	}
	return out
}

// appendJSONString appends s quoted as encoding/json quotes it without
// HTML escaping. Plain printable ASCII, all the catalog's names, is copied;
// anything else goes through encoding/json.
func appendJSONString(out []byte, s string) []byte {
	if !plainJSON(s) {
		return append(out, jsonValue(s)...)
	}
	out = append(out, '"')
	out = append(out, s...)
	return append(out, '"')
}

// jsonLen bounds the length of s quoted, without the quotes: a string that
// needs escaping grows at most sixfold (\u00XX).
func jsonLen(s string) int {
	if plainJSON(s) {
		return len(s)
	}
	return 6 * len(s)
}

// plainJSON tells whether s is printable ASCII without '"' and '\\': a
// JSON string as it is.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// versionDocs are a policy's versions for its JSON, oldest first.
func versionDocs(h *PolicyHistory) []versionDoc {
	ids := func(as []*catalog.Action) []string {
		out := make([]string, len(as))
		for i, a := range as {
			out[i] = a.ID()
		}
		return out
	}
	out := make([]versionDoc, 0, len(h.Versions))
	for i := len(h.Versions) - 1; i >= 0; i-- {
		v := h.Versions[i]
		out = append(out, versionDoc{Version: v.ID, Date: v.Date, Added: ids(v.Added), Removed: ids(v.Removed)})
	}
	return out
}
