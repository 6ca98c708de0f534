package policy

import (
	"os"
	"strings"
	"testing"
)

func TestParseBrokenChimeExample(t *testing.T) {
	src, err := os.ReadFile("testdata/chime-read-only-broken.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, findings := Parse(src)
	if len(findings) != 1 {
		t.Fatalf("want exactly one finding, got %d:%s", len(findings), findingsString(findings))
	}
	f := findings[0]
	// Line 16 is `          "chime:ListDirectories",`: the parser meets the
	// unexpected string at its opening quote, column 11.
	if f.Severity != Error || f.Line != 16 || f.Col != 11 {
		t.Errorf("finding = %s, want an error at 16:11", f)
	}
	if !strings.Contains(f.Message, "comma is probably missing at the end of line 15") {
		t.Errorf("message %q does not say a comma is probably missing after line 15", f.Message)
	}
	if doc == nil || len(doc.Statements) != 0 {
		t.Errorf("after a syntax error want an empty document, got %+v", doc)
	}
	// Once the comma is added, the example is clean.
	fixed := strings.Replace(string(src), `"chime:ListGroups"`, `"chime:ListGroups",`, 1)
	doc, findings = Parse([]byte(fixed))
	if len(findings) != 0 {
		t.Errorf("fixed example has findings:%s", findingsString(findings))
	}
	if len(doc.Statements) != 1 || len(doc.Statements[0].Action) != 12 {
		t.Fatalf("fixed example: want 1 statement of 12 actions, got %+v", doc.Statements)
	}
	if p := doc.Statements[0].Action[10]; p.Text != "chime:ListDirectories" || p.Line != 16 || p.Col != 11 {
		t.Errorf("action 11 = %+v, want chime:ListDirectories at 16:11", p)
	}
}

func TestParseFindings(t *testing.T) {
	const v = `"Version": "2012-10-17", `
	tests := []struct {
		name, src string
		want      []string // "severity line:col substring", in order; nil means no findings
	}{
		{"clean object statement", `{` + v + `"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`, nil},
		{"not an object", `[1]`, []string{"error 1:1 must be a JSON object"}},
		{"syntax error at end", `{"Version": "2012-10-17"`, []string{"error 1:25 invalid JSON"}},
		{"missing version", `{"Statement": []}`, []string{"warning 1:1 no Version", "warning 1:15 empty list"}},
		{"bad version", `{"Version": "2012-10-18", "Statement": []}`, []string{"error 1:13 not a policy language version", "warning 1:40 empty list"}},
		{"version not a string", `{"Version": 2012, "Statement": []}`, []string{"error 1:13 must be a string", "warning 1:32 empty list"}},
		{"old version", `{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::${aws:username}"}}`,
			[]string{"info 1:13 old policy language", "warning 1:90 taken literally"}},
		{"unknown top-level element", `{` + v + `"statement": []}`, []string{"error 1:1 no Statement", "error 1:27 did you mean \"Statement\""}},
		{"unknown statement element", `{` + v + `"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Actions": "x"}]}`,
			[]string{"error 1:96 unknown element \"Actions\""}},
		{"statement not an object", `{` + v + `"Statement": ["s3:*"]}`, []string{"error 1:41 statement must be a JSON object"}},
		{"both action and notaction", `{` + v + `"Statement": [{"Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*"}]}`,
			[]string{"error 1:79 both Action and NotAction"}},
		{"neither action nor notaction", `{` + v + `"Statement": [{"Effect": "Allow", "Resource": "*"}]}`,
			[]string{"error 1:41 neither Action nor NotAction"}},
		{"empty action list", `{` + v + `"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}`,
			[]string{"error 1:71 empty list"}},
		{"empty notaction list", `{` + v + `"Statement": [{"Effect": "Allow", "NotAction": [], "Resource": "*"}]}`,
			[]string{"error 1:74 NotAction is an empty list"}},
		{"empty resource list", `{` + v + `"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": []}]}`,
			[]string{"error 1:91 Resource is an empty list"}},
		{"both resource and notresource", `{` + v + `"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "NotResource": "x"}]}`,
			[]string{"error 1:96 both Resource and NotResource"}},
		{"no resource is the kind's business", `{` + v + `"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}`, nil},
		{"bad effect", `{` + v + `"Statement": [{"Effect": "allow", "Action": "s3:*", "Resource": "*"}]}`, []string{"error 1:52 case-sensitive"}},
		{"missing effect", `{` + v + `"Statement": [{"Action": "s3:*", "Resource": "*"}]}`, []string{"error 1:41 has no Effect"}},
		{"action wrong type", `{` + v + `"Statement": [{"Effect": "Allow", "Action": 7, "Resource": "*"}]}`,
			[]string{"error 1:71 must be a string or a list of strings"}},
		{"action item wrong type", `{` + v + `"Statement": [{"Effect": "Allow", "Action": ["s3:*", true], "Resource": "*"}]}`,
			[]string{"error 1:80 must be strings"}},
		{"action without prefix", `{` + v + `"Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]}`,
			[]string{"error 1:71 has no service prefix"}},
		{"duplicate sid", `{` + v + `"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}`,
			[]string{"error 1:117 duplicate Sid \"A\""}},
		{"sid characters are the kind's business", `{` + v + `"Statement": [{"Sid": "read-only", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`, nil},
		{"duplicate key", `{` + v + `"Statement": [{"Effect": "Deny", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`,
			[]string{"error 1:60 duplicate \"Effect\""}},
		{"condition shapes", `{` + v + `"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", 3, true]}, "Bool": {"aws:SecureTransport": true}, "ForAllValues:StringLikeIfExists": {"aws:TagKeys": "a*"}}}]}`, nil},
		{"condition errors", `{` + v + `"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEqual": {"k": "v"}, "Null": "x", "Bool": {"k": {"a": 1}}}}]}`,
			[]string{"error 1:110 unknown condition operator \"StringEqual\"", "error 1:145 must hold an object", "error 1:164 must be strings, numbers or booleans"}},
		{"principals", `{` + v + `"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root"], "Service": "s3.amazonaws.com"}, "Action": "s3:*", "Resource": "*"}, {"Effect": "Deny", "NotPrincipal": "*", "Action": "s3:*", "Resource": "*"}]}`, nil},
		{"bad principal", `{` + v + `"Statement": [{"Effect": "Allow", "Principal": {"User": "x"}, "Action": "s3:*", "Resource": "*"}, {"Effect": "Allow", "Principal": "me", "Action": "s3:*", "Resource": "*"}]}`,
			[]string{"error 1:75 unknown element \"User\"", "error 1:158 must be \"*\""}},
		{"duplicate action", "{" + v + "\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\",\n \"S3:getobject\"], \"Resource\": \"*\"}]}",
			[]string{"info 2:2 listed twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, findings := Parse([]byte(tt.src))
			var got []string
			for _, f := range findings {
				got = append(got, f.String())
			}
			ok := len(got) == len(tt.want)
			for i := 0; ok && i < len(got); i++ {
				sev, rest, _ := strings.Cut(tt.want[i], " ")
				pos, sub, _ := strings.Cut(rest, " ")
				ok = strings.HasPrefix(got[i], pos+": "+sev+": ") && strings.Contains(got[i], sub)
			}
			if !ok {
				t.Errorf("findings:%s\nwant:\n\t%s", findingsString(findings), strings.Join(tt.want, "\n\t"))
			}
		})
	}
}

func TestParseShapes(t *testing.T) {
	doc := mustParse(t, `{"Version": "2012-10-17", "Id": "x", "Statement": [
  {"Sid": "One", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Deny", "NotAction": ["iam:*", "s3:*"], "NotResource": ["arn:aws:s3:::b", "arn:aws:s3:::c"],
   "Condition": {"Bool": {"aws:MultiFactorAuthPresent": false}}}
]}`)
	if doc.ID != "x" || doc.Version != Version2012 || len(doc.Statements) != 2 {
		t.Fatalf("doc = %+v", doc)
	}
	a, b := doc.Statements[0], doc.Statements[1]
	if a.Sid != "One" || a.Effect != Allow || !a.HasAction || len(a.Action) != 1 || !a.AllResources() || a.Conditional() || a.Line != 2 || a.Col != 3 {
		t.Errorf("statement 1 = %+v", a)
	}
	if b.Effect != Deny || !b.HasNotAction || len(b.Action) != 2 || b.Action[1].Text != "s3:*" || !b.HasNotResource || b.AllResources() || !b.Conditional() {
		t.Errorf("statement 2 = %+v", b)
	}
	if c := b.Conditions[0]; c.Operator != "Bool" || c.Key != "aws:MultiFactorAuthPresent" || len(c.Values) != 1 || c.Values[0] != "false" || c.Line != 4 {
		t.Errorf("condition = %+v", c)
	}
}
