// Package policyreport writes what the policy engine says about one
// document as JSON, schema iamref.policy.v1 (documented in docs/api.md):
// the allowed actions with the statements and patterns behind each, the
// names the catalog lacks, every finding with its code, the statements, the
// kind the document was checked as and the risks it opens.
//
// It is the one writer of that JSON: the site's /api/policies/ and
// /api/examples/ twins, `policy analyze` and the browser's analyzer all call
// Encode, so the same document gives the same bytes everywhere. It imports
// only the model and the engine (catalog, policy), so it compiles for
// GOOS=js.
//
// Encode is compact JSON with a final newline: AdministratorAccess allows
// 21,123 actions, and its allowed list is written without reflection.
// Fields are only ever added within the schema version; to add one, add it
// to Subject (what the caller knows) or derive it from the Analysis, and to
// the doc struct below in the place it has in the JSON.
package policyreport

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// Schema names the JSON's shape.
const Schema = "iamref.policy.v1"

// The kinds of Subject.
const (
	Managed  = "managed"  // an AWS managed policy
	Example  = "example"  // one of the site's example policies
	Document = "document" // a document given by a reader: a file, stdin, the browser's editor
)

// Subject is what the caller knows about the document beyond its text: its
// name, where it is shown, and, for a managed policy, IAM's facts.
type Subject struct {
	Kind  string // Managed, Example or Document
	Name  string // the policy's name, an example's slug, or a file name
	Title string // an example's title; "" leaves it out
	URL   string // the page that shows it; "" for a reader's document
	// A managed policy's ARN, default version id ("v12"), deprecation
	// and dates (as IAM gives them; "" leaves a date out).
	ARN              string
	Version          string
	Deprecated       bool
	Created, Updated string
	// Versions are a managed policy's versions, oldest first; nil leaves
	// them out.
	Versions []Version
}

// Version is one version of a managed policy, with the actions it added
// and removed against the version before it (the first lists what it
// allows in Added).
type Version struct {
	ID      string   // "v3"
	Date    string   // YYYY-MM-DD, "" when not known
	Added   []string // action IDs
	Removed []string
}

// doc is the JSON, in its order.
type doc struct {
	Schema          string         `json:"schema"`
	Kind            string         `json:"kind"`
	Name            string         `json:"name"`
	Title           string         `json:"title,omitempty"`
	URL             string         `json:"url"`
	ARN             string         `json:"arn"`
	Version         string         `json:"version"`
	DocumentVersion string         `json:"document_version"`
	Deprecated      bool           `json:"deprecated"`
	Created         string         `json:"created,omitempty"`
	Updated         string         `json:"updated,omitempty"`
	Snapshot        snapshotDoc    `json:"snapshot"`
	Allowed         []allowedDoc   `json:"allowed"` // written by allowedList
	Unknown         []unknownDoc   `json:"unknown"`
	Findings        []findingDoc   `json:"findings"`
	Statements      []statementDoc `json:"statements"`
	PolicyType      string         `json:"policy_type"`
	KindGuessed     bool           `json:"policy_type_guessed"`
	EscalationPaths []pathDoc      `json:"escalation_paths"`
	Sensitive       []sensitiveDoc `json:"sensitive_actions"`
	Versions        []versionDoc   `json:"versions,omitempty"`
}

type versionDoc struct {
	Version string   `json:"version"`
	Date    string   `json:"date"` // YYYY-MM-DD, "" when not known
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

type snapshotDoc struct {
	Date string `json:"date"`
	Hash string `json:"hash"`
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

// Encode writes the report of an analysis against a catalog of the given
// snapshot: compact JSON, one line, with a final newline.
func Encode(s Subject, a *policy.Analysis, snap catalog.Snapshot) []byte {
	r := a.Result
	d := doc{
		Schema: Schema, Kind: s.Kind, Name: s.Name, Title: s.Title, URL: s.URL, ARN: s.ARN, Version: s.Version,
		DocumentVersion: a.Document.Version, Deprecated: s.Deprecated, Created: s.Created, Updated: s.Updated,
		Snapshot: snapshotDoc{Date: snap.Date, Hash: snap.Hash},
		Allowed:  []allowedDoc{}, Unknown: []unknownDoc{}, Findings: []findingDoc{}, Statements: []statementDoc{},
		PolicyType: string(a.Kind), KindGuessed: a.KindGuessed,
		EscalationPaths: []pathDoc{}, Sensitive: []sensitiveDoc{},
	}
	unknown := func(u policy.UnknownAction, wildcard bool) unknownDoc {
		return unknownDoc{Pattern: u.Pattern, Wildcard: wildcard, Statement: u.Statement + 1, Sid: u.Sid, Effect: string(u.Effect),
			NotAction: u.NotAction, Line: u.Line, Col: u.Col, Suggestions: nonNil(u.Suggestions)}
	}
	for _, u := range r.Unknown {
		d.Unknown = append(d.Unknown, unknown(u, false))
	}
	for _, u := range r.Unmatched {
		d.Unknown = append(d.Unknown, unknown(u, true))
	}
	for _, f := range r.Findings {
		d.Findings = append(d.Findings, findingDoc{Code: string(f.Code), Severity: string(f.Severity), Line: f.Line, Col: f.Col, Message: f.Message, Suggestions: nonNil(f.Suggestions)})
	}
	for _, st := range a.Document.Statements {
		d.Statements = append(d.Statements, statementDoc{Statement: st.Index + 1, Sid: st.Sid, Effect: string(st.Effect), Line: st.Line, Valid: st.Valid})
	}
	for _, v := range s.Versions {
		d.Versions = append(d.Versions, versionDoc{Version: v.ID, Date: v.Date, Added: nonNil(v.Added), Removed: nonNil(v.Removed)})
	}
	for _, op := range a.Paths {
		pd := pathDoc{ID: op.Path.ID, Name: op.Path.Name, Category: op.Path.Category, URL: op.Path.URL, Limited: op.Limited, Actions: []string{}}
		for _, g := range op.Grants {
			pd.Actions = append(pd.Actions, g.Action.ID())
		}
		d.EscalationPaths = append(d.EscalationPaths, pd)
	}
	for _, sg := range a.Sensitive {
		sd := sensitiveDoc{Category: string(sg.Category), Actions: []string{}}
		for _, g := range sg.Grants {
			sd.Actions = append(sd.Actions, g.Action.ID())
		}
		d.Sensitive = append(d.Sensitive, sd)
	}
	// The allowed list, up to 21,123 entries, is written by allowedList;
	// the rest by encoding/json, with the empty list spliced open.
	head := encodeJSON(d)
	i := bytes.Index(head, allowedMark)
	if i < 0 {
		panic("policyreport: no allowed list in " + string(head))
	}
	i += len(allowedMark) - 1 // at the list's ']'
	list := newAllowedList(r.Allowed)
	out := make([]byte, 0, len(head)+list.size())
	out = append(out, head[:i]...)
	out = list.append(out)
	return append(out, head[i:]...)
}

// allowedMark is the empty allowed list in the encoded head. No key before
// it is "allowed", and a string value cannot hold it: its quotes would be
// escaped.
var allowedMark = []byte(`,"allowed":[]`)

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// encodeJSON is v as compact encoding/json without HTML escaping, with
// the newline Encoder adds.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only plain structs reach here
	}
	return buf.Bytes()
}

// jsonValue is v as one compact JSON value, without the newline.
func jsonValue(v any) []byte { return bytes.TrimSuffix(encodeJSON(v), []byte("\n")) }

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
