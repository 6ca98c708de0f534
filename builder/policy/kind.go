package policy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iamref/iamref/builder/jsonpos"
)

// Kind is what a policy document is attached to, which decides some of
// IAM's rules: whether it names principals, whether it needs Resource,
// how large it may be.
type Kind string

// The kinds of policy the checks know.
const (
	// Identity: attached to a user, group or role (managed or inline), or a
	// permissions boundary. No Principal; every statement has Resource or
	// NotResource.
	Identity Kind = "identity"
	// Resource: attached to a resource (a bucket policy, a key policy, a
	// role's trust policy). Every statement names its Principal.
	Resource Kind = "resource"
	// SCP: a service control policy of AWS Organizations. No Principal.
	SCP Kind = "scp"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{Identity, Resource, SCP}

// ParseKind accepts a kind by name, in any case; "" is not a kind.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if strings.EqualFold(string(k), s) {
			return k, true
		}
	}
	return "", false
}

// GuessKind is Resource when a statement names a Principal or
// NotPrincipal, else Identity. An SCP looks like an identity policy; it is
// never guessed.
func GuessKind(doc *Document) Kind {
	for _, s := range doc.Statements {
		if s.Principal != nil || s.NotPrincipal != nil {
			return Resource
		}
	}
	return Identity
}

// Quota is how large a policy of a kind may be.
type Quota struct {
	Limit int // characters
	// Whitespace: white space counts towards the limit. IAM does not count
	// it in identity policies.
	Whitespace bool
	What       string // the policy the limit is for
	// Severity of a document over the limit: Error where IAM refuses to
	// store it, Warning where the limit depends on the service.
	Severity Severity
}

// Quotas are the size limits of each kind, from IAM's and Organizations'
// quotas: 6,144 characters without white space for a managed policy (an
// inline policy shares its user's 2,048, group's 5,120 or role's 10,240);
// 5,120 for an SCP; for resource policies the service decides (20 KB for
// an S3 bucket policy, 32 KB for a KMS key policy, 2,048 characters for a
// role's trust policy), so 20,480 is a warning.
var Quotas = map[Kind]Quota{
	Identity: {Limit: 6144, What: "a managed policy (inline policies share 2,048 characters per user, 5,120 per group and 10,240 per role)", Severity: Error},
	SCP:      {Limit: 5120, What: "a service control policy", Severity: Error},
	Resource: {Limit: 20480, Whitespace: true, What: "an S3 bucket policy (other services set their own limits: 32 KB for a KMS key policy, 2,048 characters for a role's trust policy)", Severity: Warning},
}

// policySize counts the characters of a document, without white space
// unless the quota counts it: what decoding it rune by rune and testing
// each with unicode.IsSpace counts (an invalid byte is one character), with
// ASCII, nearly every policy's every byte, by a table.
func policySize(src []byte, whitespace bool) int {
	if whitespace {
		return utf8.RuneCount(src)
	}
	n := 0
	for i := 0; i < len(src); {
		if c := src[i]; c < utf8.RuneSelf {
			i++
			if !asciiSpace[c] {
				n++
			}
			continue
		}
		r, w := utf8.DecodeRune(src[i:])
		i += w
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// asciiSpace marks the ASCII characters unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// checkKind applies the rules that depend on the kind: Principal, Resource,
// Sid characters, the ARN format, the size quota. It adds its findings to
// the document and marks the statements IAM would reject.
func (d *Document) checkKind(kind Kind, src []byte, opts Options) {
	reject := func(s *Statement, code Code, pos jsonpos.Pos, format string, args ...any) {
		d.add(Error, code, pos, format, args...)
		s.Valid = false
	}
	for _, s := range d.Statements {
		pos := jsonpos.Pos{Line: s.Line, Col: s.Col}
		what := fmt.Sprintf("statement %d", s.Index+1)
		hasPrincipal := s.Principal != nil || s.NotPrincipal != nil
		switch kind {
		case Identity, SCP:
			if hasPrincipal {
				p := s.Principal
				if p == nil {
					p = s.NotPrincipal
				}
				name := map[Kind]string{Identity: "an identity policy", SCP: "a service control policy"}[kind]
				reject(s, CodePrincipalInIdentity, jsonpos.Pos{Line: p.Line, Col: p.Col}, "%s names a principal, which %s cannot: IAM rejects it (the policy applies to whoever it is attached to); iamref ignores the statement", what, name)
			}
			if !s.HasResource && !s.HasNotResource {
				if kind == Identity {
					reject(s, CodeMissingResource, pos, "%s has neither Resource nor NotResource: identity policies need one; iamref ignores the statement", what)
				} else {
					d.add(Warning, CodeMissingResource, pos, "%s has neither Resource nor NotResource: write \"Resource\": \"*\"", what)
				}
			}
			if s.Sid != "" {
				if bad := strings.IndexFunc(s.Sid, func(r rune) bool {
					return !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
				}); bad >= 0 {
					r := []rune(s.Sid[bad:])[0]
					reject(s, CodeInvalidSid, s.SidPos, "Sid %q contains %q: IAM accepts only letters A–Z, a–z and digits 0–9; iamref ignores the statement", s.Sid, r)
				}
			}
		case Resource:
			if !hasPrincipal {
				reject(s, CodeMissingPrincipal, pos, "%s names no Principal: a resource policy must say whom it applies to; iamref ignores the statement", what)
			}
		}
		for _, r := range s.Resource {
			problem, sev := arnProblem(r.Text, kind)
			if problem == "" {
				continue
			}
			rpos := jsonpos.Pos{Line: r.Line, Col: r.Col}
			msg := fmt.Sprintf("resource %q %s", r.Text, problem)
			if sev == Error {
				reject(s, CodeMalformedARN, rpos, "%s: IAM rejects it; iamref ignores the statement", msg)
			} else {
				d.add(sev, CodeMalformedARN, rpos, "%s", msg)
			}
		}
	}
	if q, ok := Quotas[kind]; ok && src != nil {
		size := policySize(src, q.Whitespace)
		unit := "characters"
		if !q.Whitespace {
			unit = "characters without white space"
		}
		switch {
		case size <= q.Limit:
			if kind == SCP {
				if all := policySize(src, true); all > q.Limit {
					d.add(Info, CodePolicyTooLarge, jsonpos.Pos{Line: 1, Col: 1}, "the policy has %s characters with white space, over the %s of %s: the console removes white space when it saves, the API counts it", commas(all), commas(q.Limit), q.What)
				}
			}
		case opts.AWSManaged:
			d.add(Info, CodePolicyTooLarge, jsonpos.Pos{Line: 1, Col: 1}, "the policy has %s %s, over the %s of %s: AWS managed policies may be larger, but a copy of it must be split into several policies", commas(size), unit, commas(q.Limit), q.What)
		default:
			d.add(q.Severity, CodePolicyTooLarge, jsonpos.Pos{Line: 1, Col: 1}, "the policy has %s %s, over the %s of %s: split it into several policies", commas(size), unit, commas(q.Limit), q.What)
		}
	}
}

// arnProblem checks one Resource or NotResource value: "*", or an ARN
// arn:partition:service:region:account:resource. A resource policy may
// also use a service's own short form (API Gateway's
// execute-api:/stage/GET/path). It returns what is wrong and how serious
// it is: an error where IAM rejects the value, a warning where it may not.
func arnProblem(r string, kind Kind) (string, Severity) {
	if r == "*" || r == "" {
		return "", ""
	}
	if strings.HasPrefix(r, "${") {
		return "", "" // a policy variable standing for the whole ARN: cannot tell
	}
	if !strings.HasPrefix(r, "arn:") {
		if kind == Resource {
			if pfx, _, ok := strings.Cut(r, ":"); ok && pfx != "" && !strings.ContainsAny(pfx, "/ *") {
				return "", "" // a service's short form
			}
			return `is not "*" nor an ARN (arn:partition:service:region:account:resource)`, Warning
		}
		if strings.HasPrefix(strings.ToLower(r), "arn:") {
			return `starts with "` + r[:4] + `": ARNs start with "arn:" in lower case`, Error
		}
		return `is not "*" nor an ARN (arn:partition:service:region:account:resource)`, Error
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) < 6 {
		if strings.Contains(r, "*") {
			return fmt.Sprintf("has %d of the 6 colon-separated parts of an ARN; a wildcard may stand for the others, but IAM may reject it: write them out", len(parts)), Warning
		}
		return fmt.Sprintf("has %d of the 6 colon-separated parts of an ARN (arn:partition:service:region:account:resource)", len(parts)), Error
	}
	if parts[2] == "" {
		return "has no service part: arn:partition:service:region:account:resource", Error
	}
	return "", ""
}

// commas formats n with thousands separators.
func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
