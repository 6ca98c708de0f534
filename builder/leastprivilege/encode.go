package leastprivilege

import (
	"bytes"
	"encoding/json"

	"github.com/iamref/iamref/builder/catalog"
)

// Schema names the JSON of a written policy (docs/policy.md).
const Schema = "iamref.write.v1"

type actionDoc struct {
	Action      string `json:"action"`
	AccessLevel string `json:"access_level"`
}

type variableDoc struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type keyDoc struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type resourceDoc struct {
	Type          string        `json:"type"`
	ARNFormat     string        `json:"arn_format"`
	Variables     []variableDoc `json:"variables"`
	ARNs          []string      `json:"arns"`
	Malformed     bool          `json:"malformed"`
	ConditionKeys []keyDoc      `json:"condition_keys"`
	Actions       []string      `json:"actions"`
}

type dependentDoc struct {
	Action   string   `json:"action"`
	Known    bool     `json:"known"`
	Of       []string `json:"of"`
	Included bool     `json:"included"`
}

type statementDoc struct {
	Sid          string   `json:"sid"`
	AccessLevel  string   `json:"access_level"`
	ResourceType string   `json:"resource_type"`
	Actions      []string `json:"actions"`
	Resources    []string `json:"resources"`
}

type extraDoc struct {
	Action      string `json:"action"`
	AccessLevel string `json:"access_level"`
	Reason      string `json:"reason"`
}

type findingDoc struct {
	Code        string   `json:"code"`
	Severity    string   `json:"severity"`
	Line        int      `json:"line"`
	Col         int      `json:"col"`
	Message     string   `json:"message"`
	Suggestions []string `json:"suggestions"`
}

type verificationDoc struct {
	Exact    bool         `json:"exact"`
	Extra    []extraDoc   `json:"extra"`
	Missing  []actionDoc  `json:"missing"`
	Findings []findingDoc `json:"findings"`
}

type snapshotDoc struct {
	Date string `json:"date"`
	Hash string `json:"hash"`
}

type policyDoc struct {
	Schema       string          `json:"schema"`
	Snapshot     snapshotDoc     `json:"snapshot"`
	Actions      []actionDoc     `json:"actions"`
	Problems     []string        `json:"problems"`
	Resources    []resourceDoc   `json:"resources"`
	Dependent    []dependentDoc  `json:"dependent"`
	Statements   []statementDoc  `json:"statements"`
	Policy       string          `json:"policy"`
	Terraform    string          `json:"terraform"`
	Verification verificationDoc `json:"verification"`
}

func action(a *catalog.Action) actionDoc {
	return actionDoc{Action: a.ID(), AccessLevel: string(a.EffectiveLevel())}
}

func ids(as []*catalog.Action) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.ID())
	}
	return out
}

func typeID(rt *catalog.ResourceType) string {
	if rt == nil {
		return ""
	}
	return rt.Service.Prefix + ":" + rt.Name
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Encode writes the policy and what it was written from as JSON, schema
// iamref.write.v1 (documented in docs/policy.md): compact, one line, with
// a final newline. The browser's writer and `policy write -format json`
// both call it.
func Encode(p *Policy, snap catalog.Snapshot) []byte {
	d := policyDoc{
		Schema: Schema, Snapshot: snapshotDoc{Date: snap.Date, Hash: snap.Hash},
		Actions: []actionDoc{}, Problems: nonNil(p.Problems), Resources: []resourceDoc{},
		Dependent: []dependentDoc{}, Statements: []statementDoc{},
		Policy: string(p.JSON), Terraform: string(p.Terraform),
		Verification: verificationDoc{Exact: p.Verification.Exact, Extra: []extraDoc{}, Missing: []actionDoc{}, Findings: []findingDoc{}},
	}
	for _, a := range p.Actions {
		d.Actions = append(d.Actions, action(a))
	}
	for _, f := range p.Resources {
		r := resourceDoc{Type: typeID(f.Type), ARNFormat: f.Type.ARN, Variables: []variableDoc{}, ARNs: nonNil(f.ARNs), Malformed: f.Malformed,
			ConditionKeys: []keyDoc{}, Actions: ids(f.Actions)}
		for _, v := range f.Variables {
			r.Variables = append(r.Variables, variableDoc(v))
		}
		for _, k := range f.ConditionKeys {
			r.ConditionKeys = append(r.ConditionKeys, keyDoc(k))
		}
		d.Resources = append(d.Resources, r)
	}
	for _, x := range p.Dependent {
		d.Dependent = append(d.Dependent, dependentDoc{Action: x.Name, Known: x.Action != nil, Of: ids(x.Of), Included: x.Included})
	}
	for _, st := range p.Statements {
		d.Statements = append(d.Statements, statementDoc{Sid: st.Sid, AccessLevel: string(st.Level), ResourceType: typeID(st.Type),
			Actions: nonNil(st.Actions), Resources: nonNil(st.Resources)})
	}
	v := p.Verification
	for _, x := range v.Extra {
		d.Verification.Extra = append(d.Verification.Extra, extraDoc{Action: x.Action.ID(), AccessLevel: string(x.Action.EffectiveLevel()), Reason: x.Reason})
	}
	for _, a := range v.Missing {
		d.Verification.Missing = append(d.Verification.Missing, action(a))
	}
	for _, f := range v.Findings {
		d.Verification.Findings = append(d.Verification.Findings, findingDoc{Code: string(f.Code), Severity: string(f.Severity),
			Line: f.Line, Col: f.Col, Message: f.Message, Suggestions: nonNil(f.Suggestions)})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		panic(err) // plain structs only
	}
	return buf.Bytes()
}
