package policy

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/iamref/iamref/builder/jsonpos"
)

// Severity ranks a finding.
type Severity string

// The severities, from worst to mildest.
const (
	Error   Severity = "error"   // IAM would reject the policy, or a statement cannot be evaluated
	Warning Severity = "warning" // accepted, but probably not what the author meant
	Info    Severity = "info"    // worth knowing
)

// Finding is one problem in a policy document, at a line and column of its source.
type Finding struct {
	Severity    Severity
	Line, Col   int // 1-based; Col counts characters
	Message     string
	Suggestions []string // catalog names the author may have meant, nearest first
}

func (f Finding) String() string {
	return fmt.Sprintf("%d:%d: %s: %s", f.Line, f.Col, f.Severity, f.Message)
}

// Effect is a statement's Effect.
type Effect string

// The two effects IAM accepts (case-sensitive).
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is a parsed policy document.
type Document struct {
	Version    string // "" when absent
	ID         string
	Statements []*Statement // in source order; Statement.Index is the position here
	Findings   []Finding    // problems found while parsing, in source order
}

// Pattern is one string of an Action, NotAction, Resource or NotResource
// element (or of a Principal), as the author spelled it, with its position.
type Pattern struct {
	Text      string
	Line, Col int
}

// Statement is one statement of a policy.
type Statement struct {
	Index     int // 0-based position in Document.Statements
	Sid       string
	Line, Col int // where the statement's object opens
	Effect    Effect

	// Exactly one of HasAction and HasNotAction is true in a valid statement.
	// Action holds the patterns of whichever is present.
	Action       []Pattern
	HasAction    bool
	HasNotAction bool

	// Resource holds the patterns of Resource or NotResource, whichever is present.
	Resource       []Pattern
	HasResource    bool
	HasNotResource bool

	Conditions   []Condition
	Principal    *Principal
	NotPrincipal *Principal

	// Valid is false when the statement cannot be evaluated: its Effect is
	// missing or wrong, or it has both or neither of Action and NotAction.
	// Such a statement grants and denies nothing; a Finding says why.
	Valid bool
}

// Conditional reports whether the statement has at least one condition.
func (s *Statement) Conditional() bool { return len(s.Conditions) > 0 }

// AllResources reports whether the statement's Resource covers every
// resource: one of its values is exactly "*". NotResource never does.
func (s *Statement) AllResources() bool {
	if !s.HasResource || s.HasNotResource {
		return false
	}
	for _, r := range s.Resource {
		if r.Text == "*" {
			return true
		}
	}
	return false
}

// Condition is one operator → key → values entry of a Condition block.
type Condition struct {
	Operator  string // as written, e.g. "ForAnyValue:StringLikeIfExists"
	Key       string // as written; IAM compares keys case-insensitively
	Values    []string
	Line, Col int // of the key
}

// Principal is a Principal or NotPrincipal element.
type Principal struct {
	Any       bool                 // "*"
	Entries   map[string][]Pattern // "AWS", "Service", "Federated", "CanonicalUser"
	Line, Col int
}

var principalKinds = []string{"AWS", "CanonicalUser", "Federated", "Service"}

// Versions IAM accepts.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Parse parses a policy document as IAM accepts it. It never fails: a
// syntax error or a malformed element is a Finding, and the Document holds
// whatever could be understood (no statements at all after a syntax error).
// The findings are also in Document.Findings.
func Parse(src []byte) (*Document, []Finding) {
	p := &parser{doc: &Document{}}
	root, err := jsonpos.Parse(src)
	if err != nil {
		p.syntaxError(src, err)
		return p.doc, p.doc.Findings
	}
	p.document(root)
	sort.SliceStable(p.doc.Findings, func(i, j int) bool {
		a, b := p.doc.Findings[i], p.doc.Findings[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return p.doc, p.doc.Findings
}

type parser struct {
	doc *Document
}

func (p *parser) add(sev Severity, pos jsonpos.Pos, format string, args ...any) {
	line, col := pos.Line, pos.Col
	if line < 1 {
		line, col = 1, 1
	}
	p.doc.Findings = append(p.doc.Findings, Finding{Severity: sev, Line: line, Col: col, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) syntaxError(src []byte, err error) {
	se, ok := err.(*jsonpos.SyntaxError)
	if !ok {
		p.add(Error, jsonpos.Pos{Line: 1, Col: 1}, "invalid JSON: %v", err)
		return
	}
	msg := "invalid JSON: " + se.Msg
	if strings.Contains(se.Msg, "comma missing") {
		if line := previousValueLine(src, se.Pos); line > 0 && line < se.Pos.Line {
			msg = fmt.Sprintf("invalid JSON: %s; a comma is probably missing at the end of line %d", strings.TrimSuffix(se.Msg, " (is a comma missing?)"), line)
		}
	}
	p.add(Error, se.Pos, "%s", msg)
}

// previousValueLine is the line of the last non-space character before pos:
// where the value that lacks its comma ends.
func previousValueLine(src []byte, pos jsonpos.Pos) int {
	// Find the byte offset of pos (columns count characters).
	line, off := 1, 0
	for off < len(src) && line < pos.Line {
		if src[off] == '\n' {
			line++
		}
		off++
	}
	for col := 1; col < pos.Col && off < len(src); col++ {
		_, w := utf8.DecodeRune(src[off:])
		off += w
	}
	i := off - 1
	for i >= 0 && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r' || src[i] == '\n') {
		i--
	}
	if i < 0 {
		return 0
	}
	return bytes.Count(src[:i], []byte{'\n'}) + 1
}

// members returns an object's members by key, reporting duplicates and
// unknown keys. The last of duplicate keys wins, as in most JSON decoders.
func (p *parser) members(v *jsonpos.Value, what string, known []string) map[string]jsonpos.Member {
	m := make(map[string]jsonpos.Member, len(v.Members))
	for _, mem := range v.Members {
		if prev, dup := m[mem.Key]; dup {
			p.add(Error, mem.KeyPos, "duplicate %q in %s (also at line %d): IAM's handling of duplicate keys is undefined; iamref uses the last", mem.Key, what, prev.KeyPos.Line)
		}
		if !slices.Contains(known, mem.Key) {
			hint := ""
			for _, k := range known {
				if strings.EqualFold(k, mem.Key) {
					hint = fmt.Sprintf(" (element names are case-sensitive: did you mean %q?)", k)
				}
			}
			p.add(Error, mem.KeyPos, "unknown element %q in %s%s; iamref ignores it", mem.Key, what, hint)
			continue
		}
		m[mem.Key] = mem
	}
	return m
}

func (p *parser) document(root *jsonpos.Value) {
	if root.Kind != jsonpos.Object {
		p.add(Error, root.Pos, "a policy document must be a JSON object, not %s", root.Kind)
		return
	}
	m := p.members(root, "the policy", []string{"Version", "Id", "Statement"})
	if v, ok := m["Version"]; ok {
		switch {
		case v.Value.Kind != jsonpos.String:
			p.add(Error, v.Value.Pos, "Version must be a string (%q), not %s", Version2012, v.Value.Kind)
		case v.Value.Str == Version2012:
			p.doc.Version = v.Value.Str
		case v.Value.Str == Version2008:
			p.doc.Version = v.Value.Str
			p.add(Info, v.Value.Pos, "Version %s is the old policy language: policy variables such as ${aws:username} are not replaced; use %s", Version2008, Version2012)
		default:
			p.doc.Version = v.Value.Str
			p.add(Error, v.Value.Pos, "Version %q is not a policy language version: use %q", v.Value.Str, Version2012)
		}
	} else {
		p.add(Warning, root.Pos, "no Version: IAM then assumes %s, in which policy variables are not replaced; add \"Version\": %q", Version2008, Version2012)
	}
	if v, ok := m["Id"]; ok {
		if v.Value.Kind != jsonpos.String {
			p.add(Error, v.Value.Pos, "Id must be a string, not %s", v.Value.Kind)
		} else {
			p.doc.ID = v.Value.Str
		}
	}
	st, ok := m["Statement"]
	if !ok {
		p.add(Error, root.Pos, "the policy has no Statement: it grants nothing")
		return
	}
	switch st.Value.Kind {
	case jsonpos.Object:
		p.statement(st.Value)
	case jsonpos.Array:
		if len(st.Value.Items) == 0 {
			p.add(Warning, st.Value.Pos, "Statement is an empty list: the policy grants nothing")
		}
		for _, item := range st.Value.Items {
			if item.Kind != jsonpos.Object {
				p.add(Error, item.Pos, "a statement must be a JSON object, not %s", item.Kind)
				continue
			}
			p.statement(item)
		}
	default:
		p.add(Error, st.Value.Pos, "Statement must be an object or a list of objects, not %s", st.Value.Kind)
	}
	p.checkSids()
	p.checkVariables()
}

var statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

func (p *parser) statement(v *jsonpos.Value) {
	s := &Statement{Index: len(p.doc.Statements), Line: v.Pos.Line, Col: v.Pos.Col, Valid: true}
	p.doc.Statements = append(p.doc.Statements, s)
	what := fmt.Sprintf("statement %d", s.Index+1)
	m := p.members(v, what, statementElements)

	if sid, ok := m["Sid"]; ok {
		if sid.Value.Kind != jsonpos.String {
			p.add(Error, sid.Value.Pos, "Sid must be a string, not %s", sid.Value.Kind)
		} else {
			s.Sid = sid.Value.Str
			if bad := strings.IndexFunc(s.Sid, func(r rune) bool {
				return !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
			}); bad >= 0 {
				r, _ := utf8.DecodeRuneInString(s.Sid[bad:])
				p.add(Error, sid.Value.Pos, "Sid %q contains %q: IAM accepts only letters A–Z, a–z and digits 0–9", s.Sid, r)
			}
		}
	}

	if eff, ok := m["Effect"]; ok {
		switch {
		case eff.Value.Kind != jsonpos.String:
			p.add(Error, eff.Value.Pos, "Effect must be \"Allow\" or \"Deny\", not %s; the statement is ignored", eff.Value.Kind)
			s.Valid = false
		case eff.Value.Str == string(Allow) || eff.Value.Str == string(Deny):
			s.Effect = Effect(eff.Value.Str)
		default:
			hint := ""
			if strings.EqualFold(eff.Value.Str, "allow") || strings.EqualFold(eff.Value.Str, "deny") {
				hint = " (the value is case-sensitive)"
			}
			p.add(Error, eff.Value.Pos, "Effect %q must be \"Allow\" or \"Deny\"%s; the statement is ignored", eff.Value.Str, hint)
			s.Valid = false
		}
	} else {
		p.add(Error, v.Pos, "%s has no Effect; it is ignored", what)
		s.Valid = false
	}

	act, hasAct := m["Action"]
	notAct, hasNotAct := m["NotAction"]
	switch {
	case hasAct && hasNotAct:
		p.add(Error, notAct.KeyPos, "%s has both Action and NotAction: IAM rejects it; iamref ignores the statement", what)
		s.Valid = false
	case !hasAct && !hasNotAct:
		p.add(Error, v.Pos, "%s has neither Action nor NotAction: IAM rejects it; iamref ignores the statement", what)
		s.Valid = false
	case hasAct:
		s.HasAction = true
		s.Action = p.actions(act)
		if len(s.Action) == 0 {
			p.add(Warning, act.Value.Pos, "Action is empty: the statement applies to no action (it is not a wildcard)")
		}
	default:
		s.HasNotAction = true
		s.Action = p.actions(notAct)
		if len(s.Action) == 0 {
			p.add(Warning, notAct.Value.Pos, "NotAction is empty: the statement applies to every action")
		}
	}

	res, hasRes := m["Resource"]
	notRes, hasNotRes := m["NotResource"]
	switch {
	case hasRes && hasNotRes:
		p.add(Error, notRes.KeyPos, "%s has both Resource and NotResource: IAM rejects it; iamref treats the statement as scoped to some resources", what)
		s.HasResource, s.HasNotResource = true, true
		s.Resource = append(p.strings(res, true), p.strings(notRes, true)...)
	case hasRes:
		s.HasResource = true
		s.Resource = p.strings(res, true)
		if len(s.Resource) == 0 {
			p.add(Warning, res.Value.Pos, "Resource is empty: the statement applies to no resource")
		}
	case hasNotRes:
		s.HasNotResource = true
		s.Resource = p.strings(notRes, true)
	default:
		// Resource policies (a bucket policy, a key policy) may leave it out
		// only in some services; identity policies must have it.
		p.add(Warning, v.Pos, "%s has neither Resource nor NotResource: identity policies require one", what)
	}

	if c, ok := m["Condition"]; ok {
		s.Conditions = p.conditions(c.Value)
	}
	if pr, ok := m["Principal"]; ok {
		s.Principal = p.principal(pr)
	}
	if pr, ok := m["NotPrincipal"]; ok {
		s.NotPrincipal = p.principal(pr)
		if s.Principal != nil {
			p.add(Error, pr.KeyPos, "%s has both Principal and NotPrincipal", what)
		}
	}
	if s.Valid && s.HasNotAction && s.Effect == Allow && !s.HasNotResource {
		p.add(Info, notAct.KeyPos, "Allow with NotAction grants every action outside the list, including actions AWS adds later")
	}
}

// strings reads a string-or-list element.
func (p *parser) strings(m jsonpos.Member, nonEmpty bool) []Pattern {
	v := m.Value
	switch v.Kind {
	case jsonpos.String:
		if nonEmpty && v.Str == "" {
			p.add(Error, v.Pos, "%s value is an empty string", m.Key)
		}
		return []Pattern{{Text: v.Str, Line: v.Pos.Line, Col: v.Pos.Col}}
	case jsonpos.Array:
		out := make([]Pattern, 0, len(v.Items))
		for _, it := range v.Items {
			if it.Kind != jsonpos.String {
				p.add(Error, it.Pos, "%s values must be strings, not %s; iamref ignores this one", m.Key, it.Kind)
				continue
			}
			if nonEmpty && it.Str == "" {
				p.add(Error, it.Pos, "%s value is an empty string", m.Key)
			}
			out = append(out, Pattern{Text: it.Str, Line: it.Pos.Line, Col: it.Pos.Col})
		}
		return out
	}
	p.add(Error, v.Pos, "%s must be a string or a list of strings, not %s", m.Key, v.Kind)
	return nil
}

func (p *parser) actions(m jsonpos.Member) []Pattern {
	pats := p.strings(m, true)
	seen := make(map[string]int, len(pats))
	for _, pat := range pats {
		t := pat.Text
		switch {
		case t == "":
		case t != "*" && !strings.Contains(t, ":"):
			p.add(Error, jsonpos.Pos{Line: pat.Line, Col: pat.Col}, "action %q has no service prefix: write prefix:action, e.g. s3:GetObject", t)
		case strings.ContainsAny(t, " \t\n"):
			p.add(Error, jsonpos.Pos{Line: pat.Line, Col: pat.Col}, "action %q contains white space", t)
		}
		l := strings.ToLower(t)
		if prev, dup := seen[l]; dup {
			p.add(Info, jsonpos.Pos{Line: pat.Line, Col: pat.Col}, "%q is listed twice in %s (first at line %d)", t, m.Key, prev)
		} else {
			seen[l] = pat.Line
		}
	}
	return pats
}

var conditionOperators = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
	"StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
	"NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
	"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
}

// validOperator accepts an operator with an optional ForAnyValue:/ForAllValues:
// qualifier and an optional IfExists suffix (not on Null).
func validOperator(op string) bool {
	base := op
	if q, rest, ok := strings.Cut(op, ":"); ok {
		if q != "ForAnyValue" && q != "ForAllValues" {
			return false
		}
		base = rest
	}
	if b, ok := strings.CutSuffix(base, "IfExists"); ok && b != "Null" {
		base = b
	}
	return slices.Contains(conditionOperators, base)
}

func (p *parser) conditions(v *jsonpos.Value) []Condition {
	if v.Kind != jsonpos.Object {
		p.add(Error, v.Pos, "Condition must be an object of operators, not %s", v.Kind)
		return nil
	}
	if len(v.Members) == 0 {
		p.add(Info, v.Pos, "Condition is empty: the statement is unconditional")
	}
	var out []Condition
	ops := map[string]int{}
	for _, op := range v.Members {
		if line, dup := ops[op.Key]; dup {
			p.add(Error, op.KeyPos, "duplicate condition operator %q (also at line %d)", op.Key, line)
		}
		ops[op.Key] = op.KeyPos.Line
		if !validOperator(op.Key) {
			p.add(Error, op.KeyPos, "unknown condition operator %q", op.Key)
		}
		if op.Value.Kind != jsonpos.Object {
			p.add(Error, op.Value.Pos, "condition operator %s must hold an object of keys, not %s", op.Key, op.Value.Kind)
			continue
		}
		if len(op.Value.Members) == 0 {
			p.add(Warning, op.Value.Pos, "condition operator %s has no keys", op.Key)
		}
		keys := map[string]int{}
		for _, k := range op.Value.Members {
			lk := strings.ToLower(k.Key)
			if line, dup := keys[lk]; dup {
				p.add(Error, k.KeyPos, "condition key %q appears twice under %s (also at line %d; keys are case-insensitive)", k.Key, op.Key, line)
			}
			keys[lk] = k.KeyPos.Line
			c := Condition{Operator: op.Key, Key: k.Key, Line: k.KeyPos.Line, Col: k.KeyPos.Col}
			scalar := func(x *jsonpos.Value) {
				switch x.Kind {
				case jsonpos.String, jsonpos.Number:
					c.Values = append(c.Values, x.Str)
				case jsonpos.Bool:
					c.Values = append(c.Values, fmt.Sprint(x.Bool))
				default:
					p.add(Error, x.Pos, "condition values must be strings, numbers or booleans, not %s", x.Kind)
				}
			}
			if k.Value.Kind == jsonpos.Array {
				if len(k.Value.Items) == 0 {
					p.add(Warning, k.Value.Pos, "condition key %s has an empty list of values", k.Key)
				}
				for _, it := range k.Value.Items {
					scalar(it)
				}
			} else {
				scalar(k.Value)
			}
			out = append(out, c)
		}
	}
	return out
}

func (p *parser) principal(m jsonpos.Member) *Principal {
	v := m.Value
	pr := &Principal{Line: v.Pos.Line, Col: v.Pos.Col}
	switch v.Kind {
	case jsonpos.String:
		if v.Str != "*" {
			p.add(Error, v.Pos, "%s must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::123456789012:root\"}, not the string %q", m.Key, v.Str)
		}
		pr.Any = true
	case jsonpos.Object:
		pr.Entries = map[string][]Pattern{}
		for k, mem := range p.members(v, m.Key, principalKinds) {
			pr.Entries[k] = p.strings(mem, true)
		}
	default:
		p.add(Error, v.Pos, "%s must be \"*\" or an object, not %s", m.Key, v.Kind)
	}
	return pr
}

func (p *parser) checkSids() {
	seen := map[string]*Statement{}
	for _, s := range p.doc.Statements {
		if s.Sid == "" {
			continue
		}
		if prev := seen[s.Sid]; prev != nil {
			p.add(Warning, jsonpos.Pos{Line: s.Line, Col: s.Col}, "duplicate Sid %q (statement %d at line %d has it too): some policy types require unique Sids", s.Sid, prev.Index+1, prev.Line)
			continue
		}
		seen[s.Sid] = s
	}
}

// checkVariables warns about policy variables in a document whose version
// does not replace them.
func (p *parser) checkVariables() {
	if p.doc.Version == Version2012 {
		return
	}
	for _, s := range p.doc.Statements {
		for _, r := range s.Resource {
			if strings.Contains(r.Text, "${") {
				p.add(Warning, jsonpos.Pos{Line: r.Line, Col: r.Col}, "policy variable in %q is taken literally without \"Version\": %q", r.Text, Version2012)
			}
		}
		for _, c := range s.Conditions {
			for _, v := range c.Values {
				if strings.Contains(v, "${") {
					p.add(Warning, jsonpos.Pos{Line: c.Line, Col: c.Col}, "policy variable in %q is taken literally without \"Version\": %q", v, Version2012)
				}
			}
		}
	}
}
