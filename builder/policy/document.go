package policy

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/iamref/iamref/builder/iampattern"
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
	Code        Code // what the finding is about; Rules explains each code
	Severity    Severity
	Line, Col   int // 1-based; Col counts characters
	Message     string
	Suggestions []string // catalog names the author may have meant, nearest first
}

func (f Finding) String() string {
	return fmt.Sprintf("%d:%d: %s: %s [%s]", f.Line, f.Col, f.Severity, f.Message, f.Code)
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
	// Invalid: IAM's grammar does not accept the string here (an action
	// without a service prefix, a wildcard in the prefix); a finding says
	// why, and the statement is not valid.
	Invalid bool
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

	// Valid is false when IAM would reject the statement: any error
	// finding inside it (a missing or wrong Effect, both or neither of
	// Action and NotAction, an action IAM's grammar does not accept, an
	// empty list, an unknown element, a malformed Condition, …), a Sid
	// another statement has too, or an error of the document (a wrong
	// Version). Such a statement grants and denies nothing; a Finding says
	// why.
	Valid bool

	// SidPos is where the Sid's value stands, ActionPos the key Action or
	// NotAction, ResourcePos the key Resource or NotResource: where
	// findings about them point.
	SidPos, ActionPos, ResourcePos jsonpos.Pos

	off, end int // the statement's object is src[off:end]
}

// Narrowed reports whether a Principal or NotPrincipal restricts whom the
// statement applies to: anything but none, "*" or {"AWS": "*"}.
func (s *Statement) Narrowed() bool {
	if s.NotPrincipal != nil {
		return true
	}
	return s.Principal != nil && !s.Principal.Everyone()
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

// Everyone reports whether the principal is anyone at all: "*" or
// {"AWS": "*"}.
func (p *Principal) Everyone() bool {
	if p.Any {
		return true
	}
	if len(p.Entries) != 1 {
		return false
	}
	aws := p.Entries["AWS"]
	return len(aws) > 0 && !slices.ContainsFunc(aws, func(x Pattern) bool { return x.Text != "*" })
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
	doc, _ := parse(src, nil)
	return doc, doc.Findings
}

// parse is Parse, through the memo of statements' parses when it is not
// nil. With the memo, it also gives the redundancy checks' action sets the
// memo holds, by statement (nil where it holds none).
//
// With the memo, the statements it holds are not even read by jsonpos
// (jsonpos.ParseSkipping, parser.skip); when that cannot give what
// reading them gives (a statement moved to another index), the document
// is read again, every statement through jsonpos.
func parse(src []byte, memo *parseMemo) (*Document, []*actionSet) {
	if memo != nil {
		if p := parseWith(src, memo, true); !p.reparse {
			return p.doc, p.acts
		}
	}
	p := parseWith(src, memo, false)
	return p.doc, p.acts
}

func parseWith(src []byte, memo *parseMemo, skipping bool) *parser {
	p := &parser{doc: &Document{}, src: src, memo: memo}
	var root *jsonpos.Value
	var err error
	if skipping {
		p.skipped = map[int]*parsedStatement{}
		root, err = jsonpos.ParseSkipping(src, p.skip)
	} else {
		root, err = jsonpos.Parse(src)
	}
	if err != nil {
		p.syntaxError(src, err)
		return p
	}
	p.document(root)
	sort.SliceStable(p.doc.Findings, func(i, j int) bool {
		a, b := p.doc.Findings[i], p.doc.Findings[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return p
}

type parser struct {
	doc  *Document
	cur  *Statement // the statement being read, nil outside one
	src  []byte
	memo *parseMemo // nil: parse every statement
	acts []*actionSet
	// skipped are the memo's statements the skip took, by offset;
	// reparse: what was skipped cannot be replayed, read it all again.
	skipped map[int]*parsedStatement
	reparse bool
	// lineRef: a finding of the statement being read names a line in its
	// message, so it cannot be replayed elsewhere.
	lineRef bool
}

// add records a finding. An error while a statement is being read makes
// the statement invalid: IAM would reject it.
func (p *parser) add(sev Severity, code Code, pos jsonpos.Pos, format string, args ...any) {
	p.doc.add(sev, code, pos, format, args...)
	if sev == Error && p.cur != nil {
		p.cur.Valid = false
	}
}

func (d *Document) add(sev Severity, code Code, pos jsonpos.Pos, format string, args ...any) {
	line, col := pos.Line, pos.Col
	if line < 1 {
		line, col = 1, 1
	}
	d.Findings = append(d.Findings, Finding{Code: code, Severity: sev, Line: line, Col: col, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) syntaxError(src []byte, err error) {
	se, ok := err.(*jsonpos.SyntaxError)
	if !ok {
		p.add(Error, CodeJSONSyntax, jsonpos.Pos{Line: 1, Col: 1}, "invalid JSON: %v", err)
		return
	}
	msg := "invalid JSON: " + se.Msg
	if strings.Contains(se.Msg, "comma missing") {
		if line := previousValueLine(src, se.Pos); line > 0 && line < se.Pos.Line {
			msg = fmt.Sprintf("invalid JSON: %s; a comma is probably missing at the end of line %d", strings.TrimSuffix(se.Msg, " (is a comma missing?)"), line)
		}
	}
	p.add(Error, CodeJSONSyntax, se.Pos, "%s", msg)
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
func (p *parser) members(v *jsonpos.Value, what string, known []string, code Code) map[string]jsonpos.Member {
	m := make(map[string]jsonpos.Member, len(v.Members))
	for _, mem := range v.Members {
		if prev, dup := m[mem.Key]; dup {
			p.lineRef = true
			p.add(Error, code, mem.KeyPos, "duplicate %q in %s (also at line %d): IAM rejects the policy", mem.Key, what, prev.KeyPos.Line)
		}
		if !slices.Contains(known, mem.Key) {
			hint := ""
			for _, k := range known {
				if strings.EqualFold(k, mem.Key) {
					hint = fmt.Sprintf(" (element names are case-sensitive: did you mean %q?)", k)
				}
			}
			p.add(Error, code, mem.KeyPos, "unknown element %q in %s%s: IAM rejects the policy", mem.Key, what, hint)
			continue
		}
		m[mem.Key] = mem
	}
	return m
}

func (p *parser) document(root *jsonpos.Value) {
	if root.Kind != jsonpos.Object {
		p.add(Error, CodeJSONSyntax, root.Pos, "a policy document must be a JSON object, not %s", root.Kind)
		return
	}
	m := p.members(root, "the policy", []string{"Version", "Id", "Statement"}, CodeInvalidElement)
	badVersion := false
	if v, ok := m["Version"]; ok {
		switch {
		case v.Value.Kind != jsonpos.String:
			p.add(Error, CodeInvalidVersion, v.Value.Pos, "Version must be a string (%q), not %s: IAM rejects the policy", Version2012, v.Value.Kind)
			badVersion = true
		case v.Value.Str == Version2012:
			p.doc.Version = v.Value.Str
		case v.Value.Str == Version2008:
			p.doc.Version = v.Value.Str
			p.add(Info, CodeOldVersion, v.Value.Pos, "Version %s is the old policy language: policy variables such as ${aws:username} are not replaced; use %s", Version2008, Version2012)
		default:
			p.doc.Version = v.Value.Str
			p.add(Error, CodeInvalidVersion, v.Value.Pos, "Version %q is not a policy language version: IAM rejects the policy; use %q", v.Value.Str, Version2012)
			badVersion = true
		}
	} else {
		p.add(Warning, CodeMissingVersion, root.Pos, "no Version: IAM then assumes %s, in which policy variables are not replaced; add \"Version\": %q", Version2008, Version2012)
	}
	if v, ok := m["Id"]; ok {
		if v.Value.Kind != jsonpos.String {
			p.add(Error, CodeInvalidElement, v.Value.Pos, "Id must be a string, not %s", v.Value.Kind)
		} else {
			p.doc.ID = v.Value.Str
		}
	}
	st, ok := m["Statement"]
	if !ok {
		p.add(Error, CodeMissingStatement, root.Pos, "the policy has no Statement: it grants nothing")
		return
	}
	switch st.Value.Kind {
	case jsonpos.Object:
		p.remembered(st.Value, 1)
	case jsonpos.Array:
		if len(st.Value.Items) == 0 {
			p.add(Warning, CodeMissingStatement, st.Value.Pos, "Statement is an empty list: the policy grants nothing")
		}
		for _, item := range st.Value.Items {
			if item.Kind != jsonpos.Object {
				p.add(Error, CodeInvalidElement, item.Pos, "a statement must be a JSON object, not %s", item.Kind)
				continue
			}
			p.remembered(item, 2)
		}
	default:
		p.add(Error, CodeInvalidElement, st.Value.Pos, "Statement must be an object or a list of objects, not %s", st.Value.Kind)
	}
	p.checkSids()
	p.checkVariables()
	if badVersion {
		// IAM rejects the whole document.
		for _, s := range p.doc.Statements {
			s.Valid = false
		}
	}
}

// remembered reads a statement at nesting depth 1 or 2 through the memo:
// replayed when its bytes were read before at its depth and index, else
// read and remembered. A statement the skip took (jsonpos.ParseSkipping)
// but the memo holds at another index, or one holding an object the skip
// took, asks for the document to be read again without skipping.
func (p *parser) remembered(v *jsonpos.Value, depth int) {
	index := len(p.doc.Statements)
	if v.Skipped {
		ps := p.skipped[v.Off]
		if ps == nil || ps.index != index {
			p.reparse = true
			return
		}
		p.memo.replay(ps, v, p.doc)
		p.acts = append(p.acts, ps.acts)
		return
	}
	for _, m := range v.Members {
		if m.Value.Skipped {
			p.reparse = true
			return
		}
	}
	obj := p.src[v.Off:v.End]
	if ps := p.memo.lookup(depth, obj); ps != nil && ps.index == index {
		p.memo.replay(ps, v, p.doc)
		p.acts = append(p.acts, ps.acts)
		return
	}
	from := len(p.doc.Findings)
	p.lineRef = false
	p.statement(v)
	var ps *parsedStatement
	if !p.lineRef {
		ps = p.memo.record(depth, obj, p.doc.Statements[index], p.doc.Findings[from:])
	}
	if ps != nil {
		p.acts = append(p.acts, ps.acts)
	} else if p.memo != nil {
		p.acts = append(p.acts, nil)
	}
}

// skip is the jsonpos.ParseSkipping skip of a parse through the memo: it
// leaves unread an object at depth 1 or 2 (where statements stand) whose
// bytes, up to its closing brace, the memo holds at that depth. Those
// bytes were read as a statement before, at that depth, so they are an
// object Parse accepts there; where they stand now is checked by
// remembered.
func (p *parser) skip(depth, off int) int {
	if depth != 1 && depth != 2 {
		return 0
	}
	end := objectEnd(p.src, off, maxMemoStatement)
	if end < 0 {
		return 0
	}
	ps := p.memo.lookup(depth, p.src[off:end])
	if ps == nil {
		return 0
	}
	p.skipped[off] = ps
	return end
}

// objectEnd is the offset just after the '}' that closes the object whose
// '{' is at src[off], counting brackets outside strings, or -1 when it is
// not found within max bytes. On a valid object it is the object's end.
func objectEnd(src []byte, off, max int) int {
	depth := 0
	for i := off; i < len(src) && i-off < max; i++ {
		switch src[i] {
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

var statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

func (p *parser) statement(v *jsonpos.Value) {
	s := &Statement{Index: len(p.doc.Statements), Line: v.Pos.Line, Col: v.Pos.Col, Valid: true, off: v.Off, end: v.End}
	p.doc.Statements = append(p.doc.Statements, s)
	p.cur = s
	defer func() { p.cur = nil }()
	what := fmt.Sprintf("statement %d", s.Index+1)
	m := p.members(v, what, statementElements, CodeInvalidElement)

	if sid, ok := m["Sid"]; ok {
		if sid.Value.Kind != jsonpos.String {
			p.add(Error, CodeInvalidSid, sid.Value.Pos, "Sid must be a string, not %s", sid.Value.Kind)
		} else {
			s.Sid = sid.Value.Str
			s.SidPos = sid.Value.Pos
		}
	}

	if eff, ok := m["Effect"]; ok {
		switch {
		case eff.Value.Kind != jsonpos.String:
			p.add(Error, CodeInvalidEffect, eff.Value.Pos, "Effect must be \"Allow\" or \"Deny\", not %s; the statement is ignored", eff.Value.Kind)
		case eff.Value.Str == string(Allow) || eff.Value.Str == string(Deny):
			s.Effect = Effect(eff.Value.Str)
		default:
			hint := ""
			if strings.EqualFold(eff.Value.Str, "allow") || strings.EqualFold(eff.Value.Str, "deny") {
				hint = " (the value is case-sensitive)"
			}
			p.add(Error, CodeInvalidEffect, eff.Value.Pos, "Effect %q must be \"Allow\" or \"Deny\"%s; the statement is ignored", eff.Value.Str, hint)
		}
	} else {
		p.add(Error, CodeInvalidEffect, v.Pos, "%s has no Effect; it is ignored", what)
	}

	act, hasAct := m["Action"]
	notAct, hasNotAct := m["NotAction"]
	switch {
	case hasAct && hasNotAct:
		p.add(Error, CodeInvalidAction, notAct.KeyPos, "%s has both Action and NotAction: IAM rejects it; iamref ignores the statement", what)
	case !hasAct && !hasNotAct:
		p.add(Error, CodeMissingAction, v.Pos, "%s has neither Action nor NotAction: IAM rejects it; iamref ignores the statement", what)
	case hasAct:
		s.HasAction, s.ActionPos = true, act.KeyPos
		s.Action = p.actions(act)
		if len(s.Action) == 0 && act.Value.Kind == jsonpos.Array {
			p.add(Error, CodeEmptyAction, act.Value.Pos, "Action is an empty list: the statement applies to no action (it is not a wildcard); iamref ignores the statement")
		}
	default:
		s.HasNotAction, s.ActionPos = true, notAct.KeyPos
		s.Action = p.actions(notAct)
		if len(s.Action) == 0 && notAct.Value.Kind == jsonpos.Array {
			p.add(Error, CodeEmptyAction, notAct.Value.Pos, "NotAction is an empty list: it would mean every action, and IAM does not accept it; iamref ignores the statement")
		}
	}

	res, hasRes := m["Resource"]
	notRes, hasNotRes := m["NotResource"]
	switch {
	case hasRes && hasNotRes:
		p.add(Error, CodeInvalidResource, notRes.KeyPos, "%s has both Resource and NotResource: IAM rejects it; iamref ignores the statement", what)
		s.HasResource, s.HasNotResource = true, true
		s.Resource = append(p.strings(res, CodeInvalidResource), p.strings(notRes, CodeInvalidResource)...)
	case hasRes:
		s.HasResource, s.ResourcePos = true, res.KeyPos
		s.Resource = p.strings(res, CodeInvalidResource)
		if len(s.Resource) == 0 && res.Value.Kind == jsonpos.Array {
			p.add(Error, CodeInvalidResource, res.Value.Pos, "Resource is an empty list: the statement applies to no resource; iamref ignores the statement")
		}
	case hasNotRes:
		s.HasNotResource, s.ResourcePos = true, notRes.KeyPos
		s.Resource = p.strings(notRes, CodeInvalidResource)
		if len(s.Resource) == 0 && notRes.Value.Kind == jsonpos.Array {
			p.add(Error, CodeInvalidResource, notRes.Value.Pos, "NotResource is an empty list: it would mean every resource, and IAM does not accept it; iamref ignores the statement")
		}
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
			p.add(Error, CodeInvalidPrincipal, pr.KeyPos, "%s has both Principal and NotPrincipal: IAM rejects it; iamref ignores the statement", what)
		}
	}
}

// strings reads a string-or-list element; code is the code of its problems.
func (p *parser) strings(m jsonpos.Member, code Code) []Pattern {
	v := m.Value
	switch v.Kind {
	case jsonpos.String:
		if v.Str == "" {
			p.add(Error, code, v.Pos, "%s value is an empty string", m.Key)
		}
		return []Pattern{{Text: v.Str, Line: v.Pos.Line, Col: v.Pos.Col}}
	case jsonpos.Array:
		out := make([]Pattern, 0, len(v.Items))
		for _, it := range v.Items {
			if it.Kind != jsonpos.String {
				p.add(Error, code, it.Pos, "%s values must be strings, not %s", m.Key, it.Kind)
				continue
			}
			if it.Str == "" {
				p.add(Error, code, it.Pos, "%s value is an empty string", m.Key)
			}
			out = append(out, Pattern{Text: it.Str, Line: it.Pos.Line, Col: it.Pos.Col})
		}
		return out
	}
	p.add(Error, code, v.Pos, "%s must be a string or a list of strings, not %s", m.Key, v.Kind)
	return nil
}

func (p *parser) actions(m jsonpos.Member) []Pattern {
	pats := p.strings(m, CodeInvalidAction)
	seen := make(map[string]int, len(pats))
	for i := range pats {
		pat := &pats[i]
		if pat.Text == "" {
			pat.Invalid = true
			continue
		}
		if problem, fix := actionProblem(pat.Text); problem != "" {
			pat.Invalid = true
			msg := fmt.Sprintf("action %q %s: IAM rejects it; iamref ignores the statement", pat.Text, problem)
			if fix != "" {
				msg += "; " + fix
			}
			p.add(Error, CodeInvalidAction, jsonpos.Pos{Line: pat.Line, Col: pat.Col}, "%s", msg)
			continue
		}
		l := strings.ToLower(pat.Text)
		if prev, dup := seen[l]; dup {
			p.lineRef = true
			p.doc.add(Info, CodeRedundantAction, jsonpos.Pos{Line: pat.Line, Col: pat.Col}, "%q is listed twice in %s (first at line %d)", pat.Text, m.Key, prev)
		} else {
			seen[l] = pat.Line
		}
	}
	return pats
}

// actionProblem checks an action string against IAM's grammar: "*", or a
// service prefix (letters, digits and '-'), one colon and an action name
// (letters, digits, '-', '_', '.', and the wildcards '*' and '?'). It
// returns what is wrong and, when it can tell, how to fix it.
//
// The grammar's action block is ("*" | [<action_string>, …]), and an
// action_string "consists of a service namespace, a colon, and the name of
// an action. Action names can include wildcards." Wildcards may stand in
// the name only, so "*:*" is a wildcard in the service prefix like
// "*:GetCallerIdentity", and is rejected: "*" is how the grammar says
// every action.
func actionProblem(t string) (problem, fix string) {
	if t == "*" {
		return "", ""
	}
	if strings.ContainsAny(t, " \t\r\n") {
		return "contains white space", ""
	}
	pfx, name, ok := strings.Cut(t, ":")
	if !ok {
		if iampattern.HasWildcard(t) {
			return "has no service prefix", `a wildcard cannot stand for the prefix and its colon: write prefix:action, e.g. s3:GetObject, or "*" for every action`
		}
		return "has no service prefix", "write prefix:action, e.g. s3:GetObject"
	}
	if pfx == "" {
		return "has an empty service prefix", ""
	}
	if t == "*:*" {
		return `has a wildcard in the service prefix`, `write "*" for every action`
	}
	for _, r := range pfx {
		switch {
		case r == '*' || r == '?':
			return "has a wildcard in the service prefix", "wildcards may stand only in the action name; list the services"
		case r >= utf8.RuneSelf:
			return fmt.Sprintf("has %q (U+%04X) in the service prefix", r, r), "prefixes are ASCII letters, digits and '-'"
		case !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-'):
			return fmt.Sprintf("has %q in the service prefix", r), "prefixes are ASCII letters, digits and '-'"
		}
	}
	if name == "" {
		return "has no action name after the colon", fmt.Sprintf("write %s:* for every %s action", pfx, pfx)
	}
	if strings.Contains(name, ":") {
		return "has more than one colon", ""
	}
	for _, r := range name {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '*', r == '?', r == '-', r == '_', r == '.':
		case r >= utf8.RuneSelf:
			return fmt.Sprintf("has %q (U+%04X) in the action name", r, r), "action names are ASCII"
		default:
			return fmt.Sprintf("has %q in the action name", r), ""
		}
	}
	return "", ""
}

// conditionOperators are IAM's condition operators, without the
// ForAnyValue:/ForAllValues: qualifiers and the IfExists suffix.
var conditionOperators = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
	"StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
	"NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
	"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
}

// Operator is a condition operator split into its parts.
type Operator struct {
	Qualifier string // "ForAnyValue", "ForAllValues" or ""
	Base      string // "StringLike", as IAM spells it
	IfExists  bool
}

// ParseOperator splits a condition operator. It reports false for anything
// IAM does not accept: an unknown base, a misspelt qualifier, IfExists on
// Null. Operators are case-sensitive.
func ParseOperator(op string) (Operator, bool) {
	var o Operator
	base := op
	if q, rest, ok := strings.Cut(op, ":"); ok {
		if q != "ForAnyValue" && q != "ForAllValues" {
			return o, false
		}
		o.Qualifier, base = q, rest
	}
	if b, ok := strings.CutSuffix(base, "IfExists"); ok {
		o.IfExists, base = true, b
	}
	if !slices.Contains(conditionOperators, base) || o.IfExists && base == "Null" {
		return o, false
	}
	o.Base = base
	return o, true
}

// Category is what the operator compares: String, Numeric, Date, Bool,
// Binary, IPAddress, ARN or Null.
func (o Operator) Category() string {
	switch {
	case strings.HasPrefix(o.Base, "String"):
		return "String"
	case strings.HasPrefix(o.Base, "Numeric"):
		return "Numeric"
	case strings.HasPrefix(o.Base, "Date"):
		return "Date"
	case strings.HasPrefix(o.Base, "Arn"):
		return "ARN"
	case o.Base == "IpAddress" || o.Base == "NotIpAddress":
		return "IPAddress"
	case o.Base == "BinaryEquals":
		return "Binary"
	}
	return o.Base // Bool, Null
}

// suggestOperator is the nearest operator IAM accepts, or "".
func suggestOperator(op string) string {
	q, base := "", op
	if x, rest, ok := strings.Cut(op, ":"); ok {
		q, base = x, rest
		for _, good := range []string{"ForAnyValue", "ForAllValues"} {
			if strings.EqualFold(x, good) || distance(strings.ToLower(x), strings.ToLower(good), 2) <= 2 {
				q = good
			}
		}
		if q != "ForAnyValue" && q != "ForAllValues" {
			return ""
		}
		q += ":"
	}
	suffix := ""
	if b, ok := strings.CutSuffix(base, "IfExists"); ok {
		base, suffix = b, "IfExists"
	}
	best, bestD := "", 3
	for _, c := range conditionOperators {
		if d := distance(strings.ToLower(base), strings.ToLower(c), 2); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || best == "Null" && suffix != "" {
		return ""
	}
	if s := q + best + suffix; s != op {
		return s
	}
	return ""
}

func (p *parser) conditions(v *jsonpos.Value) []Condition {
	if v.Kind != jsonpos.Object {
		p.add(Error, CodeInvalidCondition, v.Pos, "Condition must be an object of operators, not %s", v.Kind)
		return nil
	}
	if len(v.Members) == 0 {
		p.add(Info, CodeEmptyCondition, v.Pos, "Condition is empty: the statement is unconditional")
	}
	var out []Condition
	ops := map[string]int{}
	for _, op := range v.Members {
		if line, dup := ops[op.Key]; dup {
			p.lineRef = true
			p.add(Error, CodeInvalidCondition, op.KeyPos, "duplicate condition operator %q (also at line %d)", op.Key, line)
		}
		ops[op.Key] = op.KeyPos.Line
		if _, ok := ParseOperator(op.Key); !ok {
			msg := fmt.Sprintf("unknown condition operator %q: IAM rejects it; iamref ignores the statement", op.Key)
			if b, ok := strings.CutSuffix(op.Key, "IfExists"); ok && strings.HasSuffix(b, "Null") {
				msg = fmt.Sprintf("%q: Null cannot take IfExists (Null itself tests whether the key is there): IAM rejects it; iamref ignores the statement", op.Key)
			} else if s := suggestOperator(op.Key); s != "" {
				msg += fmt.Sprintf("; did you mean %s?", s)
			}
			p.add(Error, CodeUnknownConditionOperator, op.KeyPos, "%s", msg)
		}
		if op.Value.Kind != jsonpos.Object {
			p.add(Error, CodeInvalidCondition, op.Value.Pos, "condition operator %s must hold an object of keys, not %s", op.Key, op.Value.Kind)
			continue
		}
		if len(op.Value.Members) == 0 {
			p.add(Warning, CodeEmptyCondition, op.Value.Pos, "condition operator %s has no keys", op.Key)
		}
		keys := map[string]int{}
		for _, k := range op.Value.Members {
			lk := strings.ToLower(k.Key)
			if line, dup := keys[lk]; dup {
				p.lineRef = true
				p.add(Error, CodeInvalidCondition, k.KeyPos, "condition key %q appears twice under %s (also at line %d; keys are case-insensitive)", k.Key, op.Key, line)
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
					p.add(Error, CodeInvalidCondition, x.Pos, "condition values must be strings, numbers or booleans, not %s", x.Kind)
				}
			}
			if k.Value.Kind == jsonpos.Array {
				if len(k.Value.Items) == 0 {
					p.add(Warning, CodeEmptyCondition, k.Value.Pos, "condition key %s has an empty list of values", k.Key)
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
			p.add(Error, CodeInvalidPrincipal, v.Pos, "%s must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::123456789012:root\"}, not the string %q", m.Key, v.Str)
		}
		pr.Any = true
	case jsonpos.Object:
		pr.Entries = map[string][]Pattern{}
		for k, mem := range p.members(v, m.Key, principalKinds, CodeInvalidPrincipal) {
			pr.Entries[k] = p.strings(mem, CodeInvalidPrincipal)
		}
	default:
		p.add(Error, CodeInvalidPrincipal, v.Pos, "%s must be \"*\" or an object, not %s", m.Key, v.Kind)
	}
	return pr
}

// checkSids reports Sids two statements share. IAM requires them unique
// (some resource policies only recommend it, but the document is then
// ambiguous): every statement that shares one is invalid.
func (p *parser) checkSids() {
	seen := map[string]*Statement{}
	for _, s := range p.doc.Statements {
		if s.Sid == "" {
			continue
		}
		if prev := seen[s.Sid]; prev != nil {
			p.doc.add(Error, CodeDuplicateSid, s.SidPos, "duplicate Sid %q (statement %d at line %d has it too): IAM requires Sids to be unique; iamref ignores both statements", s.Sid, prev.Index+1, prev.Line)
			prev.Valid, s.Valid = false, false
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
				p.doc.add(Warning, CodeVariableInOldVersion, jsonpos.Pos{Line: r.Line, Col: r.Col}, "policy variable in %q is taken literally without \"Version\": %q", r.Text, Version2012)
			}
		}
		for _, c := range s.Conditions {
			for _, v := range c.Values {
				if strings.Contains(v, "${") {
					p.doc.add(Warning, CodeVariableInOldVersion, jsonpos.Pos{Line: c.Line, Col: c.Col}, "policy variable in %q is taken literally without \"Version\": %q", v, Version2012)
				}
			}
		}
	}
}
