package policy

import (
	"go/ast"
	goparser "go/parser"
	gotoken "go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// doc wraps statements into a policy document.
func doc(statements ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(statements, ",\n") + `]}`
}

// withCode returns the findings of one code.
func withCode(fs []Finding, c Code) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Code == c {
			out = append(out, f)
		}
	}
	return out
}

// TestChecks has, for every code, a document that has the finding and a
// near miss that must not, against the shipped catalog.
func TestChecks(t *testing.T) {
	e, _ := shipped(t)
	type tc struct {
		code Code
		name string
		kind Kind // "" guesses
		doc  string
		fire bool
		sev  Severity // when set, the severity of the first finding
	}
	allow := func(action, resource string) string {
		return `{"Effect": "Allow", "Action": ` + strconv.Quote(action) + `, "Resource": ` + strconv.Quote(resource) + `}`
	}
	cond := func(action, resource, condition string) string {
		return `{"Effect": "Allow", "Action": ` + strconv.Quote(action) + `, "Resource": ` + strconv.Quote(resource) + `, "Condition": ` + condition + `}`
	}
	big := func(n int) string {
		var acts []string
		for i := 0; i < n; i++ {
			acts = append(acts, strconv.Quote("s3:GetObject"))
		}
		return doc(`{"Effect": "Allow", "Action": [` + strings.Join(acts, ",") + `], "Resource": "*"}`)
	}
	tests := []tc{
		{CodeJSONSyntax, "missing comma", "", `{"Version": "2012-10-17" "Statement": []}`, true, Error},
		{CodeJSONSyntax, "not an object", "", `[]`, true, Error},
		{CodeJSONSyntax, "valid", "", doc(allow("s3:GetObject", "*")), false, ""},

		{CodeInvalidElement, "unknown element", "", doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Conditions": {}}`), true, Error},
		{CodeInvalidElement, "statement not an object", "", doc(`"s3:GetObject"`), true, Error},
		{CodeInvalidElement, "known elements", "", doc(`{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}`), false, ""},

		{CodeMissingStatement, "no statement", "", `{"Version": "2012-10-17"}`, true, Error},
		{CodeMissingStatement, "empty list", "", `{"Version": "2012-10-17", "Statement": []}`, true, Warning},
		{CodeMissingStatement, "one statement", "", doc(allow("s3:GetObject", "*")), false, ""},

		{CodeInvalidVersion, "a date", "", `{"Version": "2024-01-01", "Statement": []}`, true, Error},
		{CodeInvalidVersion, "2008", "", `{"Version": "2008-10-17", "Statement": []}`, false, ""},

		{CodeInvalidEffect, "lower case", "", doc(`{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}`), true, Error},
		{CodeInvalidEffect, "missing", "", doc(`{"Action": "s3:GetObject", "Resource": "*"}`), true, Error},
		{CodeInvalidEffect, "Deny", "", doc(`{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}`), false, ""},

		{CodeMissingAction, "neither", "", doc(`{"Effect": "Allow", "Resource": "*"}`), true, Error},
		{CodeMissingAction, "NotAction", "", doc(`{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}`), false, ""},

		{CodeInvalidAction, "wildcard in prefix", "", doc(allow("s3*:ListBucket", "*")), true, Error},
		{CodeInvalidAction, "both Action and NotAction", "", doc(`{"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "iam:*", "Resource": "*"}`), true, Error},
		{CodeInvalidAction, "wildcard in the name", "", doc(allow("s3:*Object", "*")), false, ""},
		{CodeInvalidAction, "star alone", "", doc(allow("*", "*")), false, ""},
		{CodeInvalidAction, "upper-case prefix", "", doc(allow("S3:GetObject", "*")), false, ""},

		{CodeEmptyAction, "empty NotAction", "", doc(`{"Effect": "Allow", "NotAction": [], "Resource": "*"}`), true, Error},
		{CodeEmptyAction, "one action", "", doc(`{"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}`), false, ""},

		{CodeInvalidResource, "empty list", "", doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": []}`), true, Error},
		{CodeInvalidResource, "both", "", doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "NotResource": "arn:aws:s3:::b"}`), true, Error},
		{CodeInvalidResource, "NotResource alone", "", doc(`{"Effect": "Deny", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/*"}`), false, ""},

		{CodeMalformedARN, "bucket name", Identity, doc(allow("s3:GetObject", "my-bucket/*")), true, Error},
		{CodeMalformedARN, "short", Identity, doc(allow("s3:GetObject", "arn:aws:s3")), true, Error},
		{CodeMalformedARN, "API Gateway's short form in a resource policy", Resource, doc(`{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/prod/GET/pets"}`), false, ""},
		{CodeMalformedARN, "an ARN", Identity, doc(allow("s3:GetObject", "arn:aws:s3:::b/*")), false, ""},

		{CodeInvalidSid, "hyphen", Identity, doc(`{"Sid": "read-only", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`), true, Error},
		{CodeInvalidSid, "hyphen in a resource policy", Resource, doc(`{"Sid": "read-only", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), false, ""},
		{CodeInvalidSid, "letters and digits", Identity, doc(`{"Sid": "ReadOnly2", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`), false, ""},

		{CodeDuplicateSid, "twice", "", doc(`{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`, `{"Sid": "A", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}`), true, Error},
		{CodeDuplicateSid, "case differs", "", doc(`{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`, `{"Sid": "a", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}`), false, ""},

		{CodeInvalidPrincipal, "unknown kind", "", doc(`{"Effect": "Allow", "Principal": {"User": "x"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), true, Error},
		{CodeInvalidPrincipal, "both", "", doc(`{"Effect": "Deny", "Principal": "*", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), true, Error},
		{CodeInvalidPrincipal, "service", "", doc(`{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}`), false, ""},

		{CodeInvalidCondition, "key twice", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"aws:SourceVpce": "a", "AWS:SOURCEVPCE": "b"}}`)), true, Error},
		{CodeInvalidCondition, "value an object", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"aws:SourceVpce": {"a": 1}}}`)), true, Error},
		{CodeInvalidCondition, "two keys", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"aws:SourceVpce": "a", "aws:SourceVpc": "b"}}`)), false, ""},

		{CodeUnknownConditionOperator, "StringEqual", "", doc(cond("s3:GetObject", "*", `{"StringEqual": {"aws:PrincipalOrgID": "o-1"}}`)), true, Error},
		{CodeUnknownConditionOperator, "Null with IfExists", "", doc(cond("s3:GetObject", "*", `{"NullIfExists": {"aws:PrincipalOrgID": "true"}}`)), true, Error},
		{CodeUnknownConditionOperator, "qualified with IfExists", "", doc(cond("s3:GetObject", "*", `{"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "a*"}}`)), false, ""},

		{CodePolicyTooLarge, "identity over 6,144", Identity, big(450), true, Error},
		{CodePolicyTooLarge, "identity under", Identity, big(400), false, ""},
		{CodePolicyTooLarge, "SCP over 5,120", SCP, big(380), true, Error},

		{CodePrincipalInIdentity, "identity with Principal", Identity, doc(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}`), true, Error},
		{CodePrincipalInIdentity, "SCP with Principal", SCP, doc(`{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}`), true, Error},
		{CodePrincipalInIdentity, "guessed resource policy", "", doc(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), false, ""},

		{CodeMissingPrincipal, "resource policy without", Resource, doc(allow("s3:GetObject", "arn:aws:s3:::b/*")), true, Error},
		{CodeMissingPrincipal, "mixed, guessed", "", doc(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`, allow("s3:ListBucket", "arn:aws:s3:::b")), true, Error},
		{CodeMissingPrincipal, "identity policy", "", doc(allow("s3:GetObject", "*")), false, ""},

		{CodeMissingResource, "identity without", Identity, doc(`{"Effect": "Allow", "Action": "s3:GetObject"}`), true, Error},
		{CodeMissingResource, "trust policy without", Resource, doc(`{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}`), false, ""},

		{CodeUnknownService, "s4", "", doc(allow("s4:GetObject", "*")), true, Warning},
		{CodeUnknownService, "s3", "", doc(allow("s3:GetObject", "*")), false, ""},
		{CodeUnknownAction, "typo", "", doc(allow("s3:GetObjekt", "*")), true, Warning},
		{CodeUnknownAction, "case differs", "", doc(allow("s3:getobject", "*")), false, ""},
		{CodeWildcardMatchesNothing, "Fetch*", "", doc(allow("s3:Fetch*", "*")), true, Warning},
		{CodeWildcardMatchesNothing, "Get*", "", doc(allow("s3:Get*", "*")), false, ""},

		{CodeUnknownConditionKey, "typo of a global key", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"aws:SourceVpcee": "vpce-1"}}`)), true, Warning},
		{CodeUnknownConditionKey, "tag key without its tag", "", doc(cond("ec2:CreateTags", "*", `{"StringEquals": {"aws:RequestTag": "x"}}`)), true, Warning},
		{CodeUnknownConditionKey, "unknown service key", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"s3:NoSuchKey": "x"}}`)), true, Warning},
		{CodeUnknownConditionKey, "global key in any case", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"AWS:SOURCEVPCE": "vpce-1"}}`)), false, ""},
		{CodeUnknownConditionKey, "filled-in template", "", doc(cond("ec2:CreateTags", "*", `{"StringEquals": {"aws:RequestTag/Owner": "me"}}`)), false, ""},
		{CodeUnknownConditionKey, "federation key", "", doc(`{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"accounts.google.com:aud": "x"}}}`), false, ""},
		{CodeUnknownConditionKey, "a global key no service table names", "", doc(cond("s3:GetObject", "*", `{"Bool": {"aws:ViaAWSService": "true"}}`)), false, ""},

		{CodeConditionKeyNotForAction, "ec2 key on s3", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"ec2:InstanceType": "t3.micro"}}`)), true, Warning},
		{CodeConditionKeyNotForAction, "with IfExists", "", doc(cond("s3:GetObject", "*", `{"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}}`)), true, Info},
		{CodeConditionKeyNotForAction, "tag key on an action without tags", "", doc(cond("s3:GetObject", "*", `{"ForAnyValue:StringEquals": {"aws:TagKeys": "Owner"}}`)), true, Warning},
		{CodeConditionKeyNotForAction, "the action's own key", "", doc(cond("ec2:RunInstances", "*", `{"StringEquals": {"ec2:InstanceType": "t3.micro"}}`)), false, ""},
		{CodeConditionKeyNotForAction, "a resource type's key", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"s3:ExistingObjectTag/Owner": "me"}}`)), false, ""},
		{CodeConditionKeyNotForAction, "a global key", "", doc(cond("s3:GetObject", "*", `{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`)), false, ""},
		{CodeConditionKeyNotForAction, "an action the catalog lacks", "", doc(`{"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjekt"], "Resource": "*", "Condition": {"StringEquals": {"ec2:InstanceType": "t3.micro"}}}`), false, ""},

		{CodeConditionOperatorType, "Numeric on an IP key", "", doc(cond("s3:GetObject", "*", `{"NumericLessThan": {"aws:SourceIp": "10"}}`)), true, Warning},
		{CodeConditionOperatorType, "String on a Bool key", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"aws:SecureTransport": "true"}}`)), true, Info},
		{CodeConditionOperatorType, "String on an ARN key", "", doc(cond("s3:GetObject", "*", `{"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}`)), false, ""},
		{CodeConditionOperatorType, "Null on anything", "", doc(cond("s3:GetObject", "*", `{"Null": {"aws:SourceIp": "true"}}`)), false, ""},
		{CodeConditionOperatorType, "Numeric on epoch time", "", doc(cond("s3:GetObject", "*", `{"NumericLessThan": {"aws:EpochTime": "1800000000"}}`)), false, ""},

		{CodeInvalidConditionValue, "no date", "", doc(cond("s3:GetObject", "*", `{"DateLessThan": {"aws:CurrentTime": "next Friday"}}`)), true, Warning},
		{CodeInvalidConditionValue, "no IP", "", doc(cond("s3:GetObject", "*", `{"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}`)), true, Warning},
		{CodeInvalidConditionValue, "no bool", "", doc(cond("s3:GetObject", "*", `{"Bool": {"aws:SecureTransport": "yes"}}`)), true, Warning},
		{CodeInvalidConditionValue, "no number", "", doc(cond("s3:GetObject", "*", `{"NumericLessThan": {"aws:MultiFactorAuthAge": "1h"}}`)), true, Warning},
		{CodeInvalidConditionValue, "good values", "", doc(cond("s3:GetObject", "*", `{"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}, "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}, "Bool": {"aws:SecureTransport": true}, "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}`)), false, ""},
		{CodeInvalidConditionValue, "a policy variable", "", doc(cond("s3:GetObject", "*", `{"DateLessThan": {"aws:CurrentTime": "${aws:TokenIssueTime}"}}`)), false, ""},

		{CodeSetOperatorOnSingleValued, "ForAllValues on PrincipalOrgID", "", doc(cond("s3:GetObject", "*", `{"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-1"}}`)), true, Warning},
		{CodeSetOperatorOnSingleValued, "ForAnyValue on PrincipalOrgID", "", doc(cond("s3:GetObject", "*", `{"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-1"}}`)), true, Info},
		{CodeSetOperatorOnSingleValued, "ForAllValues on TagKeys", "", doc(cond("ec2:CreateTags", "*", `{"ForAllValues:StringEquals": {"aws:TagKeys": ["Owner"]}}`)), false, ""},

		{CodeMissingSetOperator, "StringEquals on TagKeys", "", doc(cond("ec2:CreateTags", "*", `{"StringEquals": {"aws:TagKeys": ["Owner"]}}`)), true, Warning},
		{CodeMissingSetOperator, "Null on TagKeys", "", doc(cond("ec2:CreateTags", "*", `{"Null": {"aws:TagKeys": "false"}}`)), false, ""},
		{CodeMissingSetOperator, "StringEquals on a single value", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"aws:PrincipalOrgID": "o-1"}}`)), false, ""},

		{CodeResourceMismatch, "ListBucket on objects", "", doc(allow("s3:ListBucket", "arn:aws:s3:::b/*")), true, Warning},
		{CodeResourceMismatch, "no resource type", "", doc(allow("s3:ListAllMyBuckets", "arn:aws:s3:::*")), true, Info},
		{CodeResourceMismatch, "a resource no action fits", "", doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*", "arn:aws:sqs:*:*:q"]}`), true, Info},
		{CodeResourceMismatch, "a form the service does not know", "", doc(allow("s3:GetObject", "arn:aws:s3:::b")), true, Warning},
		{CodeResourceMismatch, "ListBucket on the bucket", "", doc(allow("s3:ListBucket", "arn:aws:s3:::b")), false, ""},
		{CodeResourceMismatch, "objects with a variable", "", doc(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")), false, ""},
		{CodeResourceMismatch, "star", "", doc(allow("s3:ListAllMyBuckets", "*")), false, ""},
		{CodeResourceMismatch, "wildcard with one fitting action", "", doc(allow("s3:List*", "arn:aws:s3:::b")), false, ""},

		{CodePassRoleWildcardResource, "PassRole on star", "", doc(allow("iam:PassRole", "*")), true, Warning},
		{CodePassRoleWildcardResource, "iam:* on star", "", doc(allow("iam:*", "*")), true, Warning},
		{CodePassRoleWildcardResource, "with PassedToService", "", doc(cond("iam:PassRole", "*", `{"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}`)), false, ""},
		{CodePassRoleWildcardResource, "on named roles", "", doc(allow("iam:PassRole", "arn:aws:iam::111122223333:role/app-*")), false, ""},

		{CodeAllowWithNotPrincipal, "Allow", "", doc(`{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), true, Warning},
		{CodeAllowWithNotPrincipal, "Deny", "", doc(`{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), false, ""},

		{CodeAllowWithNotAction, "on star", "", doc(`{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}`), true, Warning},
		{CodeAllowWithNotAction, "scoped", "", doc(`{"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::b/*"}`), true, Info},
		{CodeAllowWithNotAction, "Deny", "", doc(`{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}`), false, ""},

		{CodeAllowWithNotResource, "Allow", "", doc(`{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::logs/*"}`), true, Warning},
		{CodeAllowWithNotResource, "Deny", "", doc(`{"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::logs/*"}`), false, ""},

		{CodePrivilegeEscalationPath, "CreatePolicyVersion", "", doc(allow("iam:CreatePolicyVersion", "*")), true, Warning},
		{CodePrivilegeEscalationPath, "scoped", "", doc(allow("iam:CreatePolicyVersion", "arn:aws:iam::111122223333:policy/app")), true, Info},
		{CodePrivilegeEscalationPath, "half a path", "", doc(allow("apprunner:CreateService", "*")), false, ""},
		{CodePrivilegeEscalationPath, "denied", "", doc(allow("iam:CreatePolicyVersion", "*"), `{"Effect": "Deny", "Action": "iam:CreatePolicyVersion", "Resource": "*"}`), false, ""},

		{CodeSensitiveAction, "GetSecretValue", "", doc(allow("ssm:GetParameter", "*")), true, Info},
		{CodeSensitiveAction, "DescribeParameters", "", doc(allow("ssm:DescribeParameters", "*")), false, ""},

		{CodeRedundantAction, "covered by a wildcard", "", doc(`{"Effect": "Allow", "Action": ["iam:Get*", "iam:GetRole"], "Resource": "*"}`), true, Info},
		{CodeRedundantAction, "listed twice", "", doc(`{"Effect": "Allow", "Action": ["iam:GetRole", "IAM:getrole"], "Resource": "*"}`), true, Info},
		{CodeRedundantAction, "overlapping, not covered", "", doc(`{"Effect": "Allow", "Action": ["iam:Get*", "iam:*Role"], "Resource": "*"}`), false, ""},
		{CodeRedundantAction, "a letter does not cover a question mark", "", doc(`{"Effect": "Allow", "Action": ["iam:Get*", "iam:Ge?Role"], "Resource": "*"}`), false, ""},

		{CodeRedundantStatement, "covered", "", doc(allow("s3:Get*", "*"), allow("s3:GetObject", "arn:aws:s3:::b/*")), true, Info},
		{CodeRedundantStatement, "the covering one has a condition", "", doc(cond("s3:Get*", "*", `{"Bool": {"aws:SecureTransport": "true"}}`), allow("s3:GetObject", "arn:aws:s3:::b/*")), false, ""},
		{CodeRedundantStatement, "other effect", "", doc(allow("s3:Get*", "*"), `{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), false, ""},
		{CodeRedundantStatement, "resources differ in case", "", doc(allow("s3:GetObject", "arn:aws:s3:::B/*"), allow("s3:GetObject", "arn:aws:s3:::b/x")), false, ""},

		{CodeMissingVersion, "none", "", `{"Statement": [` + allow("s3:GetObject", "*") + `]}`, true, Warning},
		{CodeMissingVersion, "2012", "", doc(allow("s3:GetObject", "*")), false, ""},
		{CodeOldVersion, "2008", "", `{"Version": "2008-10-17", "Statement": [` + allow("s3:GetObject", "*") + `]}`, true, Info},
		{CodeOldVersion, "2012", "", doc(allow("s3:GetObject", "*")), false, ""},
		{CodeVariableInOldVersion, "variable in 2008", "", `{"Version": "2008-10-17", "Statement": [` + allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*") + `]}`, true, Warning},
		{CodeVariableInOldVersion, "variable in 2012", "", doc(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")), false, ""},
		{CodeEmptyCondition, "empty block", "", doc(cond("s3:GetObject", "*", `{}`)), true, Info},
		{CodeEmptyCondition, "empty values", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"aws:SourceVpce": []}}`)), true, Warning},
		{CodeEmptyCondition, "a condition", "", doc(cond("s3:GetObject", "*", `{"StringEquals": {"aws:SourceVpce": "vpce-1"}}`)), false, ""},
	}
	tested := map[Code]bool{}
	for _, tt := range tests {
		t.Run(string(tt.code)+"/"+tt.name, func(t *testing.T) {
			tested[tt.code] = true
			a := e.Analyze([]byte(tt.doc), Options{Kind: tt.kind})
			got := withCode(a.Findings(), tt.code)
			switch {
			case tt.fire && len(got) == 0:
				t.Errorf("no %s finding; findings:%s", tt.code, findingsString(a.Findings()))
			case !tt.fire && len(got) > 0:
				t.Errorf("unexpected %s:%s", tt.code, findingsString(got))
			case tt.fire && tt.sev != "" && got[0].Severity != tt.sev:
				t.Errorf("severity %s, want %s:%s", got[0].Severity, tt.sev, findingsString(got))
			}
			for _, f := range a.Findings() {
				if f.Code == "" || RuleFor(f.Code) == nil {
					t.Errorf("finding without a documented code: %s", f)
				}
			}
		})
	}
	for _, c := range declaredCodes(t) {
		if !tested[c] {
			t.Errorf("no test case for %s", c)
		}
	}
}

// declaredCodes reads the Code constants of codes.go.
func declaredCodes(t *testing.T) []Code {
	f, err := goparser.ParseFile(gotoken.NewFileSet(), "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Code
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil || len(vs.Values) != 1 {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Code" {
			s, _ := strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
			out = append(out, Code(s))
		}
		return true
	})
	if len(out) < 40 {
		t.Fatalf("read %d codes from codes.go", len(out))
	}
	return out
}

// TestRules checks the documentation of the codes: one rule per declared
// code, in a known group, with an explanation, and an example that has the
// finding.
func TestRules(t *testing.T) {
	e, _ := shipped(t)
	declared := declaredCodes(t)
	seen := map[Code]bool{}
	for _, r := range Rules {
		if seen[r.Code] {
			t.Errorf("%s is documented twice", r.Code)
		}
		seen[r.Code] = true
		if !slices.Contains(declared, r.Code) {
			t.Errorf("rule %s: no such code in codes.go", r.Code)
		}
		if !slices.Contains(Groups, r.Group) || r.Title == "" || len(r.Explain) < 40 {
			t.Errorf("rule %s: group %q, title %q, explanation %q", r.Code, r.Group, r.Title, r.Explain)
		}
		for _, a := range r.AccessAnalyzer {
			if !strings.HasPrefix(a.Anchor, "access-analyzer-reference-policy-checks-") || !strings.Contains(a.Title, " – ") {
				t.Errorf("rule %s: Access Analyzer check %+v", r.Code, a)
			}
		}
		if r.Example == "" {
			if r.Code != CodePolicyTooLarge {
				t.Errorf("rule %s has no example", r.Code)
			}
			continue
		}
		a := e.Analyze([]byte(r.Example), Options{Kind: r.Kind})
		if len(withCode(a.Findings(), r.Code)) == 0 {
			t.Errorf("the example of %s does not have it:\n%s%s", r.Code, r.Example, findingsString(a.Findings()))
		}
	}
	for _, c := range declared {
		if !seen[c] {
			t.Errorf("%s has no rule", c)
		}
	}
}

func TestHelpPath(t *testing.T) {
	if got := RuleFor(CodeResourceMismatch).HelpPath(); got != "/checks/#RESOURCE_MISMATCH" {
		t.Errorf("HelpPath = %s", got)
	}
}
