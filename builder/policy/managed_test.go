package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/diag"
)

// evaluated parses and evaluates every shipped managed policy once.
func evaluated(t *testing.T) (*Engine, []*ManagedPolicy, map[string]*Result) {
	t.Helper()
	if testing.Short() {
		t.Skip("evaluates all 1,645 managed policies")
	}
	e, ps := shipped(t)
	results := evaluateAll(e, parseAll(t, ps))
	byName := make(map[string]*Result, len(ps))
	for i, p := range ps {
		byName[p.Name] = results[i]
	}
	return e, ps, byName
}

func TestManagedPolicies(t *testing.T) {
	e, ps, results := evaluated(t)
	c := e.Catalog()
	if len(ps) != 1645 {
		t.Errorf("loaded %d managed policies, want 1645", len(ps))
	}
	if got, want := len(results["AdministratorAccess"].Allowed), c.ActionCount(); got != want || want != 22091 {
		t.Errorf("AdministratorAccess allows %d actions, catalog has %d (want 22091)", got, want)
	}

	ro := results["AmazonChimeReadOnly"]
	g := ro.Grant(c.Action("chime:GetGlobalSettings"))
	if g == nil || len(g.GrantedBy) != 1 || g.GrantedBy[0].Pattern != "chime:Get*" || g.Conditional || g.ResourceScoped {
		t.Errorf("AmazonChimeReadOnly grant of chime:GetGlobalSettings = %+v, want via chime:Get* on *", g)
	}
	if ro.Grant(c.Action("chime:CreateMeeting")) != nil {
		t.Error("AmazonChimeReadOnly allows chime:CreateMeeting")
	}

	unknown, unknownPolicies, unmatched := 0, 0, 0
	for _, p := range ps {
		r := results[p.Name]
		for i := 1; i < len(r.Allowed); i++ {
			if !actionLess(r.Allowed[i-1].Action, r.Allowed[i].Action) {
				t.Fatalf("%s: %s then %s: not in catalog order, or twice", p.Name, r.Allowed[i-1].Action.ID(), r.Allowed[i].Action.ID())
			}
		}
		for _, g := range r.Allowed {
			if len(g.GrantedBy) == 0 {
				t.Fatalf("%s: %s has no granting statement", p.Name, g.Action.ID())
			}
		}
		for _, f := range r.Findings {
			if f.Severity == Error {
				t.Errorf("%s: %s", p.Name, f)
			}
		}
		unknown += len(r.Unknown)
		unmatched += len(r.Unmatched)
		if len(r.Unknown) > 0 {
			unknownPolicies++
		}
	}
	// The field notes count 506 literal references to actions absent from
	// the June catalog, in 80 policies, and 14 wildcards matching nothing,
	// and this test found exactly those numbers then. Against the catalog
	// of 2026-09-26 and the policies of 2026-08-26 (a month apart, not ten
	// weeks) 139 references in 20 policies remain; 40 wildcards match
	// nothing, most of them in the policies of the 15 services the catalog
	// no longer lists (deepracer:*, gamesparks:*). Unknown counts every
	// literal reference (a name listed in two policies counts twice),
	// including those under Deny and NotAction.
	if unknown != 139 || unknownPolicies != 20 || unmatched != 40 {
		t.Errorf("unknown literal actions: %d in %d policies, wildcards matching nothing: %d; want 139 in 20 and 40", unknown, unknownPolicies, unmatched)
	}
}

func TestManagedPowerUserAccess(t *testing.T) {
	e, _, results := evaluated(t)
	c := e.Catalog()
	r := results["PowerUserAccess"]
	// Statement 0 allows everything except iam:*, organizations:*, account:*;
	// statement 1 re-allows nine of those actions by name.
	excluded := len(c.Service("iam").Actions) + len(c.Service("organizations").Actions) + len(c.Service("account").Actions)
	reallowed := []string{
		"account:GetAccountInformation", "account:GetGovCloudAccountInformation", "account:GetPrimaryEmail", "account:ListRegions",
		"iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
		"organizations:DescribeEffectivePolicy", "organizations:DescribeOrganization",
	}
	if want := c.ActionCount() - excluded + len(reallowed); len(r.Allowed) != want {
		t.Errorf("PowerUserAccess allows %d actions, want %d", len(r.Allowed), want)
	}
	for _, id := range reallowed {
		a := c.Action(id)
		if a == nil {
			t.Errorf("%s is not in the catalog", id)
			continue
		}
		g := r.Grant(a)
		if g == nil || !reflect.DeepEqual(g.GrantedBy, []GrantRef{{Statement: 1, Pattern: id}}) {
			t.Errorf("%s granted by %+v, want statement 1 pattern %s", id, g, id)
		}
	}
	for _, id := range []string{"iam:CreateRole", "iam:PassRole", "organizations:CreateAccount", "account:PutAlternateContact"} {
		if r.Grant(c.Action(id)) != nil {
			t.Errorf("PowerUserAccess allows %s", id)
		}
	}
	g := r.Grant(c.Action("s3:GetObject"))
	if g == nil || !reflect.DeepEqual(g.GrantedBy, []GrantRef{{Statement: 0, NotAction: true}}) {
		t.Errorf("s3:GetObject granted by %+v, want the NotAction statement 0", g)
	}
}

func TestManagedDenies(t *testing.T) {
	e, _, results := evaluated(t)
	c := e.Catalog()
	lf := results["AWSLakeFormationDataAdmin"]
	if lf.Grant(c.Action("lakeformation:PutDataLakeSettings")) != nil || lf.Grant(c.Action("lakeformation:GetDataLakeSettings")) == nil || lf.Denied != 1 {
		t.Errorf("AWSLakeFormationDataAdmin: Deny lakeformation:PutDataLakeSettings not subtracted exactly (denied %d)", lf.Denied)
	}
	spot := results["AWSEC2SpotServiceRolePolicy"].Grant(c.Action("ec2:RunInstances"))
	if spot == nil || !spot.PartlyDenied || spot.Conditional || spot.ResourceScoped ||
		!reflect.DeepEqual(spot.DeniedBy, []GrantRef{{Statement: 1, Pattern: "ec2:RunInstances"}}) {
		t.Errorf("AWSEC2SpotServiceRolePolicy ec2:RunInstances = %+v, want partly denied by statement 1", spot)
	}
	ca := results["AWSCertificateManagerPrivateCAUser"].Grant(c.Action("acm-pca:IssueCertificate"))
	if ca == nil || !ca.Conditional || !ca.ResourceScoped || !ca.PartlyDenied {
		t.Errorf("acm-pca:IssueCertificate = %+v, want conditional, resource-scoped, partly denied", ca)
	}
	// Root-task policies hold only Deny statements (Deny + NotAction): they allow nothing.
	for _, name := range []string{"IAMCreateRootUserPassword", "IAMAuditRootUserCredentials", "S3UnlockBucketPolicy", "AWSDenyAll"} {
		if n := len(results[name].Allowed); n != 0 {
			t.Errorf("%s allows %d actions, want 0", name, n)
		}
	}
	// NotResource with Allow is resource-scoped.
	for _, g := range results["AmazonSageMakerFullAccess"].Allowed {
		for _, ref := range g.GrantedBy {
			if ref.Pattern == "" {
				t.Errorf("AmazonSageMakerFullAccess: unexpected NotAction grant %+v", ref)
			}
		}
	}
}

func TestLoadManagedDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("reads all managed policies")
	}
	_, ps := shipped(t)
	for _, p := range ps {
		src, err := os.ReadFile("../../content/" + p.File)
		if err != nil {
			t.Fatal(err)
		}
		var file struct{ Document json.RawMessage }
		if err := json.Unmarshal(src, &file); err != nil {
			t.Fatal(err)
		}
		var want, got any
		if err := json.Unmarshal(file.Document, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(p.Document, &got); err != nil {
			t.Fatalf("%s: re-emitted document is not JSON: %v", p.Name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: re-emitted document differs from the shipped one", p.Name)
		}
		// The shipped files are already indented by two: the re-emitted
		// document is their Document block, one level out.
		block := strings.ReplaceAll(string(file.Document), "\n  ", "\n") + "\n"
		if string(p.Document) != block {
			t.Fatalf("%s: re-emitted document is not the shipped text:\n%s\nwant\n%s", p.Name, p.Document, block)
		}
	}
	if p := ps[0]; !strings.HasPrefix(p.File, "policies/") || p.Name == "" || p.Version == "" {
		t.Errorf("first policy = %+v", p)
	}
}

func TestLoadManagedErrors(t *testing.T) {
	doc := `{"Version": "2012-10-17", "Statement": []}`
	fsys := fstest.MapFS{
		"policies/Good.json":    {Data: []byte(`{"PolicyName": "Good", "Arn": "arn:aws:iam::aws:policy/Good", "DefaultVersionId": "v1", "Deprecated": false, "Document": ` + doc + `}`)},
		"policies/Broken.json":  {Data: []byte("{\n  \"PolicyName\": \"Broken\"\n  \"Arn\": null}")},
		"policies/Types.json":   {Data: []byte(`{"PolicyName": "Types", "Arn": 3, "Deprecated": "no", "Document": []}`)},
		"policies/Renamed.json": {Data: []byte(`{"PolicyName": "Other", "Document": ` + doc + `}`)},
		// A name that would leave its place, or that IAM would not take.
		"policies/...json":  {Data: []byte(`{"PolicyName": "..", "Document": ` + doc + `}`)},
		"policies/a b.json": {Data: []byte(`{"PolicyName": "a b", "Document": ` + doc + `}`)},
	}
	_, err := LoadManaged(fsys)
	if err == nil {
		t.Fatal("LoadManaged accepted broken files")
	}
	// Diagnostics, sorted by file and position: nobody parses the message.
	var list diag.List
	if !errors.As(err, &list) || len(list) != 7 || list[1].File != "policies/Broken.json" || list[1].Line != 3 || list[1].Col != 3 {
		t.Errorf("error is not the five diagnostics, sorted: %#v", err)
	}
	for _, want := range []string{
		"policies/Broken.json:3:3: unexpected",
		"policies/Types.json:1:32: Arn: want a string or null, found number",
		"policies/Types.json:1:49: Deprecated: want true or false, found string",
		"policies/Types.json:1:67: Document: want an object, found array",
		"policies/Renamed.json:1:1: PolicyName \"Other\" does not match the file name",
		`policies/...json:1:16: PolicyName "..": IAM names a policy with 1 to 128 letters, digits and +=,.@_- (and "." and ".." are no names`,
		`policies/a b.json:1:16: PolicyName "a b": IAM names a policy`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
	delete(fsys, "policies/Broken.json")
	delete(fsys, "policies/Types.json")
	delete(fsys, "policies/Renamed.json")
	delete(fsys, "policies/...json")
	delete(fsys, "policies/a b.json")
	fsys["policies/A.json"] = &fstest.MapFile{Data: []byte(`{"PolicyName": "A", "Arn": null, "UpdateDate": null, "Deprecated": true, "Document": {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, "Version": "2012-10-17"}}`)}
	ps, err := LoadManaged(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].Name != "A" || !ps[0].Deprecated || ps[0].ARN != "" || ps[1].Name != "Good" {
		t.Fatalf("policies = %+v", ps)
	}
	want := "{\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Action\": \"s3:*\",\n    \"Resource\": \"*\"\n  },\n  \"Version\": \"2012-10-17\"\n}\n"
	if !bytes.Equal(ps[0].Document, []byte(want)) {
		t.Errorf("document =\n%s\nwant\n%s", ps[0].Document, want)
	}
}
