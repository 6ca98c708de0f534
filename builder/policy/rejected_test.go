package policy

import (
	"strings"
	"testing"
)

// TestRejectedDocuments holds the documents IAM rejects that the engine
// once evaluated as valid: each is an error, and the statement grants
// nothing (next to a valid statement, which still does).
func TestRejectedDocuments(t *testing.T) {
	e, _ := shipped(t)
	const valid = `{"Sid": "Valid", "Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}`
	tests := []struct {
		name      string
		statement string
		code      Code
	}{
		// A wildcard or a non-ASCII letter in the service prefix.
		{"question mark in the prefix", `{"Effect": "Allow", "Action": "s?:GetObject", "Resource": "*"}`, CodeInvalidAction},
		{"star in the prefix", `{"Effect": "Allow", "Action": "s3*:ListBucket", "Resource": "*"}`, CodeInvalidAction},
		{"star for the prefix", `{"Effect": "Allow", "Action": "*:GetCallerIdentity", "Resource": "*"}`, CodeInvalidAction},
		{"star colon star", `{"Effect": "Allow", "Action": "*:*", "Resource": "*"}`, CodeInvalidAction},
		{"Kelvin sign for k", `{"Effect": "Allow", "Action": "\u212Ams:Decrypt", "Resource": "*"}`, CodeInvalidAction},
		// No prefix, no name, two colons.
		{"no prefix", `{"Effect": "Allow", "Action": "*Object", "Resource": "*"}`, CodeInvalidAction},
		{"no name", `{"Effect": "Allow", "Action": "s3:", "Resource": "*"}`, CodeInvalidAction},
		{"two colons", `{"Effect": "Allow", "Action": "s3:Get:Object", "Resource": "*"}`, CodeInvalidAction},
		// Empty lists, both Resource and NotResource.
		{"empty NotAction", `{"Effect": "Allow", "NotAction": [], "Resource": "*"}`, CodeEmptyAction},
		{"empty Action", `{"Effect": "Allow", "Action": [], "Resource": "*"}`, CodeEmptyAction},
		{"empty Resource", `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": []}`, CodeInvalidResource},
		{"Resource and NotResource", `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "NotResource": "arn:aws:s3:::b/*"}`, CodeInvalidResource},
		// A duplicate Sid: both statements are rejected.
		{"duplicate Sid", `{"Sid": "Valid", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`, CodeDuplicateSid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.Analyze([]byte(doc(tt.statement, valid)), Options{})
			fs := withCode(a.Findings(), tt.code)
			if len(fs) == 0 || fs[0].Severity != Error {
				t.Fatalf("want an error %s; findings:%s", tt.code, findingsString(a.Findings()))
			}
			if a.Document.Statements[0].Valid {
				t.Error("the rejected statement is valid")
			}
			allowed := ids(a.Result)
			switch {
			case tt.code == CodeDuplicateSid:
				if len(allowed) != 0 {
					t.Errorf("statements sharing a Sid allow %v", allowed)
				}
			case len(allowed) != 1 || allowed[0] != "sts:GetCallerIdentity":
				t.Errorf("allowed = %.5v (%d), want only the valid statement's sts:GetCallerIdentity", allowed, len(allowed))
			}
		})
	}
}

// TestDenyNarrowedByPrincipal: a Deny for some principals cannot remove an
// action outright, whatever its resources; it denies in part, as a Deny
// with a Condition does. A Deny for everyone ("*", {"AWS": "*"}) removes it.
func TestDenyNarrowedByPrincipal(t *testing.T) {
	e, _ := shipped(t)
	const allow = `{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}`
	for _, tt := range []struct {
		name, principal string
		partly          bool
	}{
		{"Principal names an account", `"Principal": {"AWS": "arn:aws:iam::111122223333:root"}`, true},
		{"NotPrincipal", `"NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}`, true},
		{"Principal is a service", `"Principal": {"Service": "ec2.amazonaws.com"}`, true},
		{"Principal is anyone", `"Principal": "*"`, false},
		{"Principal is any AWS principal", `"Principal": {"AWS": "*"}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := e.Analyze([]byte(doc(allow, `{"Effect": "Deny", `+tt.principal+`, "Action": "s3:*", "Resource": "*"}`)), Options{})
			g := a.Result.Grant(e.Catalog().Action("s3:GetObject"))
			switch {
			case tt.partly && (g == nil || !g.PartlyDenied || len(g.DeniedBy) != 1 || g.DeniedBy[0].Statement != 1):
				t.Errorf("grant = %+v, want allowed and partly denied by statement 2", g)
			case !tt.partly && g != nil:
				t.Errorf("grant = %+v, want denied", g)
			}
		})
	}
}

// TestPolicySize checks the quota of each kind.
func TestPolicySize(t *testing.T) {
	e, _ := shipped(t)
	// A document of about n characters without white space.
	sized := func(n int) string {
		s := doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/` + strings.Repeat("x", n) + `"}`)
		return s
	}
	size := func(s string, ws bool) int { return policySize([]byte(s), ws) }
	for _, tt := range []struct {
		name string
		src  string
		opts Options
		sev  Severity // "" for no finding
	}{
		{"identity at the limit", sized(6144 - size(sized(0), false)), Options{Kind: Identity}, ""},
		{"identity one over", sized(6145 - size(sized(0), false)), Options{Kind: Identity}, Error},
		{"identity over, white space not counted", strings.Replace(sized(6000-size(sized(0), false)), "[", "["+strings.Repeat(" ", 300), 1), Options{Kind: Identity}, ""},
		{"AWS managed over", sized(7000), Options{Kind: Identity, AWSManaged: true}, Info},
		{"SCP one over", sized(5121 - size(sized(0), false)), Options{Kind: SCP}, Error},
		{"SCP under, white space over", strings.Replace(sized(5000-size(sized(0), false)), "[", "["+strings.Repeat(" ", 300), 1), Options{Kind: SCP}, Info},
		{"resource under 20 KB", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/` + strings.Repeat("x", 20000) + `"}]}`, Options{}, ""},
		{"resource over 20 KB", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/` + strings.Repeat("x", 20500) + `"}]}`, Options{}, Warning},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := e.Analyze([]byte(tt.src), tt.opts)
			fs := withCode(a.Findings(), CodePolicyTooLarge)
			switch {
			case tt.sev == "" && len(fs) > 0:
				t.Errorf("unexpected:%s", findingsString(fs))
			case tt.sev != "" && (len(fs) != 1 || fs[0].Severity != tt.sev):
				t.Errorf("want one %s, got:%s", tt.sev, findingsString(fs))
			}
			if len(a.Result.Allowed) != 1 {
				t.Errorf("a large policy's statements are still evaluated: allowed %d", len(a.Result.Allowed))
			}
		})
	}
}

// TestManagedPoliciesAreValid: IAM accepted every managed policy, so no
// check may call any of their statements invalid, nor report an error.
func TestManagedPoliciesAreValid(t *testing.T) {
	e, ps := shipped(t)
	statements := 0
	for _, p := range ps {
		a := e.Analyze(p.Document, Options{Kind: Identity, AWSManaged: true})
		for _, st := range a.Document.Statements {
			statements++
			if !st.Valid {
				t.Errorf("%s: statement %d is invalid", p.Name, st.Index+1)
			}
		}
		for _, f := range a.Findings() {
			if f.Severity == Error {
				t.Errorf("%s: %s", p.Name, f)
			}
		}
	}
	if statements < 9000 {
		t.Errorf("%d statements in the managed policies, want about 9,000", statements)
	}
}

// TestGuessKind and the Check entry point.
func TestGuessKindAndCheck(t *testing.T) {
	e, _ := shipped(t)
	a := e.Analyze([]byte(doc(`{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}`)), Options{})
	if a.Kind != Resource || !a.KindGuessed {
		t.Errorf("kind %s guessed %v, want a guessed resource policy", a.Kind, a.KindGuessed)
	}
	if len(a.Findings()) != 0 {
		t.Errorf("a role's trust policy has findings:%s", findingsString(a.Findings()))
	}
	fs := Check([]byte(doc(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}`)), Identity, e.Catalog())
	if len(withCode(fs, CodePrincipalInIdentity)) != 1 {
		t.Errorf("Check(identity) = %s", findingsString(fs))
	}
	if k, ok := ParseKind("SCP"); !ok || k != SCP {
		t.Errorf("ParseKind(SCP) = %q %v", k, ok)
	}
	if _, ok := ParseKind("managed"); ok {
		t.Error("ParseKind accepts managed")
	}
}
