package policy

import (
	"reflect"
	"strings"
	"testing"
)

func TestEvaluateRules(t *testing.T) {
	e := NewEngine(testCatalog(t))
	stmt := func(s ...string) string {
		return `{"Version": "2012-10-17", "Statement": [` + strings.Join(s, ",") + `]}`
	}
	tests := []struct {
		name    string
		doc     string
		allowed []string // in catalog order
	}{
		{"literal string", stmt(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`),
			[]string{"s3:GetObject"}},
		{"mixed case", stmt(`{"Effect": "Allow", "Action": ["S3:getobject", "IAM:passrole"], "Resource": "*"}`),
			[]string{"iam:PassRole", "s3:GetObject"}},
		{"service wildcard", stmt(`{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}`),
			[]string{"iam:CreateRole", "iam:CreateServiceLinkedRole", "iam:GetRole", "iam:ListRoles", "iam:PassRole"}},
		{"star alone", stmt(`{"Effect": "Allow", "Action": "*", "Resource": "*"}`), nil}, // checked below: everything
		{"prefix wildcard", stmt(`{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}`),
			[]string{"s3:GetBucketPolicy", "s3:GetObject", "s3:GetObjectAcl"}},
		{"question mark", stmt(`{"Effect": "Allow", "Action": ["s3:?etObject", "ec2:Describe?????????"], "Resource": "*"}`),
			[]string{"ec2:DescribeInstances", "s3:GetObject"}},
		{"question mark is exactly one", stmt(`{"Effect": "Allow", "Action": "s3:GetObject?", "Resource": "*"}`), nil},
		{"mid-name wildcards", stmt(`{"Effect": "Allow", "Action": ["ec2:Describe*s", "s3:*Object"], "Resource": "*"}`),
			[]string{"ec2:DescribeImages", "ec2:DescribeInstances", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"}},
		// IAM's grammar lets wildcards stand in the action name only: a
		// statement with one in the prefix, or spanning the colon, is
		// rejected and grants nothing (it used to grant what it matched).
		{"wildcard in the prefix grants nothing", stmt(`{"Effect": "Allow", "Action": ["*:Describe*s", "s?:*Object"], "Resource": "*"}`), nil},
		{"wildcard spanning the colon grants nothing", stmt(`{"Effect": "Allow", "Action": "chi*Accounts", "Resource": "*"}`), nil},
		{"empty action list grants nothing", stmt(`{"Effect": "Allow", "Action": [], "Resource": "*"}`), nil},
		{"not action", stmt(`{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "chime:*", "ec2:*"], "Resource": "*"}`),
			[]string{"s3:DeleteObject", "s3:GetBucketPolicy", "s3:GetObject", "s3:GetObjectAcl", "s3:ListBucket", "s3:PutObject"}},
		{"deny unconditional on star", stmt(
			`{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`,
			`{"Effect": "Deny", "Action": ["s3:Delete*", "s3:Put*"], "Resource": "*"}`),
			[]string{"s3:GetBucketPolicy", "s3:GetObject", "s3:GetObjectAcl", "s3:ListBucket"}},
		{"deny in a list with star", stmt(
			`{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`,
			`{"Effect": "Deny", "Action": "s3:*Object*", "Resource": ["arn:aws:s3:::b", "*"]}`),
			[]string{"s3:GetBucketPolicy", "s3:ListBucket"}},
		{"deny with condition only partly denies", stmt(
			`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`,
			`{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`),
			[]string{"s3:GetObject"}},
		{"deny with not action", stmt(
			`{"Effect": "Allow", "Action": ["s3:*", "iam:*", "chime:ListAccounts"], "Resource": "*"}`,
			`{"Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*", "chime:*"], "Resource": "*"}`),
			[]string{"chime:ListAccounts", "iam:GetRole", "iam:ListRoles"}},
		{"deny with invalid effect is ignored", stmt(
			`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`,
			`{"Effect": "deny", "Action": "s3:*", "Resource": "*"}`),
			[]string{"s3:GetObject"}},
		{"statement with both Action and NotAction is ignored", stmt(
			`{"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "iam:*", "Resource": "*"}`), nil},
		{"duplicates collapse", stmt(
			`{"Effect": "Allow", "Action": ["s3:GetObject", "s3:getObject", "s3:Get*"], "Resource": "*"}`,
			`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`),
			[]string{"s3:GetBucketPolicy", "s3:GetObject", "s3:GetObjectAcl"}},
		{"statement object, not list", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "chime:GetAccount", "Resource": "*"}}`,
			[]string{"chime:GetAccount"}},
		{"syntax error allows nothing", `{"Statement": [`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Evaluate(mustParse(t, tt.doc))
			got := ids(r)
			if tt.name == "star alone" {
				if len(got) != e.Catalog().ActionCount() {
					t.Errorf("* allows %d actions, want all %d", len(got), e.Catalog().ActionCount())
				}
				return
			}
			if len(got) == 0 && len(tt.allowed) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.allowed) {
				t.Errorf("allowed = %v\nwant      %v", got, tt.allowed)
			}
		})
	}
}

func TestEvaluateFlagsAndReferences(t *testing.T) {
	e := NewEngine(testCatalog(t))
	r := e.Evaluate(mustParse(t, `{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"},
  {"Sid": "Scoped", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*"},
  {"Sid": "Cond", "Effect": "Allow", "Action": ["s3:PutObject", "s3:ListBucket"], "Resource": "*",
   "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}},
  {"Sid": "NotRes", "Effect": "Allow", "Action": "iam:GetRole", "NotResource": "arn:aws:iam::*:role/admin"},
  {"Sid": "DenyScoped", "Effect": "Deny", "Action": "s3:Get*Acl", "Resource": "arn:aws:s3:::secret/*"},
  {"Sid": "DenyCond", "Effect": "Deny", "NotAction": "s3:Get*", "Resource": "*",
   "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
]}`))
	type want struct {
		by                   []GrantRef
		cond, scoped, partly bool
		deniedBy             []GrantRef
	}
	wants := map[string]want{
		"s3:GetBucketPolicy": {by: []GrantRef{{0, "Read", "s3:Get*", false}}},
		"s3:GetObject":       {by: []GrantRef{{0, "Read", "s3:Get*", false}, {0, "Read", "s3:GetObject", false}, {1, "Scoped", "s3:GetObject", false}}},
		"s3:GetObjectAcl": {by: []GrantRef{{0, "Read", "s3:Get*", false}}, partly: true,
			deniedBy: []GrantRef{{4, "DenyScoped", "s3:Get*Acl", false}}},
		// Scoped in one statement, conditional in the other: neither flag holds for every grant.
		"s3:PutObject": {by: []GrantRef{{1, "Scoped", "s3:PutObject", false}, {2, "Cond", "s3:PutObject", false}}, partly: true,
			deniedBy: []GrantRef{{5, "DenyCond", "", true}}},
		"s3:ListBucket": {by: []GrantRef{{2, "Cond", "s3:ListBucket", false}}, cond: true, partly: true,
			deniedBy: []GrantRef{{5, "DenyCond", "", true}}},
		"iam:GetRole": {by: []GrantRef{{3, "NotRes", "iam:GetRole", false}}, scoped: true, partly: true,
			deniedBy: []GrantRef{{5, "DenyCond", "", true}}},
	}
	if len(r.Allowed) != len(wants) {
		t.Errorf("allowed %v, want %d actions", ids(r), len(wants))
	}
	for _, g := range r.Allowed {
		w, ok := wants[g.Action.ID()]
		if !ok {
			t.Errorf("unexpected grant of %s", g.Action.ID())
			continue
		}
		if !reflect.DeepEqual(g.GrantedBy, w.by) || g.Conditional != w.cond || g.ResourceScoped != w.scoped ||
			g.PartlyDenied != w.partly || !reflect.DeepEqual(g.DeniedBy, w.deniedBy) {
			t.Errorf("%s: got by=%v cond=%v scoped=%v partly=%v deniedBy=%v\nwant %+v",
				g.Action.ID(), g.GrantedBy, g.Conditional, g.ResourceScoped, g.PartlyDenied, g.DeniedBy, w)
		}
	}
	if a := e.Catalog().Action("s3:GetObject"); r.Grant(a) == nil || r.Grant(a).Action != a {
		t.Error("Result.Grant(s3:GetObject) did not find the grant")
	}
	if a := e.Catalog().Action("s3:DeleteObject"); r.Grant(a) != nil {
		t.Error("Result.Grant(s3:DeleteObject) found a grant the policy does not give")
	}
}

func TestEvaluateDeniedCount(t *testing.T) {
	e := NewEngine(testCatalog(t))
	r := e.Evaluate(mustParse(t, `{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:*", "s3:Get*"], "Resource": "*"},
  {"Effect": "Deny", "Action": "s3:Get*", "Resource": "*"}]}`))
	if r.Denied != 3 || len(r.Allowed) != 3 {
		t.Errorf("denied %d, allowed %v; want 3 denied and 3 allowed", r.Denied, ids(r))
	}
	// A NotAction Allow between two Allows must not make the count see an
	// action twice.
	r = e.Evaluate(mustParse(t, `{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
  {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Deny", "Action": "s3:Get*", "Resource": "*"}]}`))
	if r.Denied != 3 || len(r.Allowed) != e.Catalog().ActionCount()-3 {
		t.Errorf("denied %d, allowed %d; want 3 denied and all but 3 allowed", r.Denied, len(r.Allowed))
	}
}

func TestEvaluateUnknownActions(t *testing.T) {
	e := NewEngine(testCatalog(t))
	r := e.Evaluate(mustParse(t, `{"Version": "2012-10-17", "Statement": [
  {"Sid": "A", "Effect": "Allow", "Action": [
    "chime:ListMeetingReportData",
    "chime:RetrieveDataExport",
    "chime:ListAccounts",
    "chimes:ListAccounts",
    "chime:Frobnicate",
    "chime:Zzz*",
    "nosuchservice:*"
  ], "Resource": "*"},
  {"Effect": "Deny", "Action": "s3:GetObjekt", "Resource": "*"}
]}`))
	type u struct {
		pattern string
		line    int
		sugg    []string
	}
	var unknown, unmatched []u
	for _, x := range r.Unknown {
		unknown = append(unknown, u{x.Pattern, x.Line, x.Suggestions})
	}
	for _, x := range r.Unmatched {
		unmatched = append(unmatched, u{x.Pattern, x.Line, x.Suggestions})
	}
	wantUnknown := []u{
		{"chime:ListMeetingReportData", 3, []string{"chime:ListMeetingsReportData"}},
		{"chime:RetrieveDataExport", 4, []string{"chime:RetrieveDataExports"}},
		{"chimes:ListAccounts", 6, []string{"chime:ListAccounts"}},
		{"chime:Frobnicate", 7, nil},
		{"s3:GetObjekt", 11, []string{"s3:GetObject"}},
	}
	wantUnmatched := []u{{"chime:Zzz*", 8, nil}, {"nosuchservice:*", 9, nil}}
	if !reflect.DeepEqual(unknown, wantUnknown) {
		t.Errorf("unknown = %v\nwant      %v", unknown, wantUnknown)
	}
	if !reflect.DeepEqual(unmatched, wantUnmatched) {
		t.Errorf("unmatched = %v\nwant        %v", unmatched, wantUnmatched)
	}
	if got := ids(r); !reflect.DeepEqual(got, []string{"chime:ListAccounts"}) {
		t.Errorf("allowed = %v", got)
	}
	if r.Unknown[0].Sid != "A" || r.Unknown[0].Statement != 0 || r.Unknown[0].Col != 5 || r.Unknown[4].Effect != Deny {
		t.Errorf("unknown references = %+v", r.Unknown)
	}
	n := 0
	for _, f := range r.Findings {
		if f.Severity == Warning && (strings.Contains(f.Message, "not an action") || strings.Contains(f.Message, "matches no action") || strings.Contains(f.Message, "no service prefix")) {
			n++
		}
	}
	if n != 7 {
		t.Errorf("want 7 warnings for patterns matching nothing, got:%s", findingsString(r.Findings))
	}
}

func TestSuggestRealCatalog(t *testing.T) {
	e, _ := shipped(t)
	for pattern, want := range map[string]string{
		"chime:ListMeetingReportData": "chime:ListMeetingsReportData",
		"chime:RetrieveDataExport":    "chime:RetrieveDataExports",
		"CHIME:listmeetingreportdata": "chime:ListMeetingsReportData",
		"s3:GetObjects":               "s3:GetObject",
		"ec2:DescribeInstance":        "ec2:DescribeInstances",
	} {
		got := e.Suggest(pattern)
		if len(got) == 0 || got[0] != want {
			t.Errorf("Suggest(%q) = %v, want %s first", pattern, got, want)
		}
	}
}
