package site

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/iamref/iamref/internal/sitetest"
)

func TestHumanDate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2020-12-14T20:53:57+00:00", "14 Dec 2020, 20:53 UTC"},
		{"2023-08-10T10:00:00+02:00", "10 Aug 2023, 08:00 UTC"},
		{"2017-11-01T00:00:00Z", "1 Nov 2017"},
		{"2026-09-26", "26 Sep 2026"},
		{"between 2020 and 2021", "between 2020 and 2021"},
		{"", ""},
	} {
		if got := humanDate(c.in); got != c.want {
			t.Errorf("humanDate(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestPolicyVerdict checks the top of policy pages: counts per level for
// the whole policy, the grants that change something in a read-only
// policy, wildcards on every resource, and a policy newer than the
// catalog said so beside the names the catalog lacks.
func TestPolicyVerdict(t *testing.T) {
	t.Parallel()
	site := policySite + `-- policies/DemoReadOnly.json --
{"PolicyName": "DemoReadOnly", "Arn": "arn:aws:iam::aws:policy/DemoReadOnly", "DefaultVersionId": "v1",
 "CreateDate": "2021-01-01T00:00:00Z", "UpdateDate": "2099-01-01T00:00:00Z", "Deprecated": false,
 "Document": {"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["demo:List*", "demo:Describe*", "demo:CreateWidget", "demo:FutureWidget"], "Resource": "*"}]}}
`
	out, _ := buildSite(t, sitetest.TxtarFS(t, site))
	ro := sitetest.ReadFile(t, out, "policies/DemoReadOnly/index.html")
	sitetest.Contains(t, "DemoReadOnly", ro,
		`<h2 id="verdict">What it allows`,
		`<strong>Not only reads:</strong> its name says read-only, yet it allows 1 action at the Write, Permissions management or Tagging level:`,
		`<code>demo:CreateWidget</code></a> <span class="level level-write">Write</span>.</p>`,
		`<strong>This policy is newer than the catalog:</strong> AWS updated it on 2099-01-01`,
	)
	if v, f := indexOf(ro, `id="verdict"`), indexOf(ro, `id="document"`); v < 0 || f < 0 || v > f {
		t.Errorf("the verdict (at %d) does not come before the document (at %d)", v, f)
	}
	mixed := sitetest.ReadFile(t, out, "policies/DemoMixed/index.html")
	sitetest.Contains(t, "DemoMixed", mixed, `<strong>Wildcards on every resource:</strong> <code>demo:*</code> (<a href="#statement-1">statement</a>)`)
	if indexOf(mixed, "Not only reads") >= 0 || indexOf(mixed, "newer than the catalog") >= 0 {
		t.Error("DemoMixed is neither read-only nor newer than the catalog")
	}
	na := sitetest.ReadFile(t, out, "policies/DemoNotAction/index.html")
	sitetest.Contains(t, "DemoNotAction", na, `<a href="#statement-1">a NotAction statement</a> (everything but what it lists)`)
}

func indexOf(s, sub string) int { return strings.Index(s, sub) }

func TestWordBreaks(t *testing.T) {
	for in, want := range map[string]string{
		"ListAppInstanceAdmins": "List<wbr>App<wbr>Instance<wbr>Admins",
		"GetS3Object":           "Get<wbr>S3<wbr>Object",
		"ABCThing":              "ABCThing",
		"search":                "search",
		"a<b":                   "a&lt;b",
	} {
		if got := string(wordBreaks(in)); got != want {
			t.Errorf("wordBreaks(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExampleMistakes checks that the examples of real mistakes show the
// finding each is there to explain, on the line of the mistake.
func TestExampleMistakes(t *testing.T) {
	out := buildHostSite(t)
	for slug, want := range map[string]struct {
		code string
		line int
	}{
		"chime-read-only-missing-comma": {"JSON_SYNTAX", 0},
		"s3-wrong-condition-key":        {"CONDITION_KEY_NOT_FOR_ACTION", 11},
		"s3-wrong-resource-type":        {"RESOURCE_MISMATCH", 0},
	} {
		var doc struct {
			Findings []struct {
				Code string
				Line int
			}
		}
		if err := json.Unmarshal([]byte(sitetest.ReadFile(t, out, "api/examples/"+slug+".json")), &doc); err != nil {
			t.Fatal(err)
		}
		found := false
		var got []string
		for _, f := range doc.Findings {
			got = append(got, fmt.Sprintf("%s@%d", f.Code, f.Line))
			found = found || f.Code == want.code && (want.line == 0 || f.Line == want.line)
		}
		if !found {
			t.Errorf("example %s: findings %v, want %s on line %d", slug, got, want.code, want.line)
		}
	}
}
