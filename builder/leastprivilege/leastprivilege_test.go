package leastprivilege

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// demo is a catalog with the cases the writer distinguishes: two resource
// types, an action naming both, one naming none, a dangling type, a
// dependent action, an override, a condition key on a type.
func demo(tb testing.TB) *policy.Engine {
	tb.Helper()
	row := func(name string, deps ...string) *catalog.ActionResource {
		return &catalog.ActionResource{Name: name, Required: name != "", DependentActions: deps}
	}
	c, err := catalog.New(catalog.Contents{
		Snapshot: catalog.Snapshot{Date: "2026-06-14", Hash: "abc"},
		Services: []*catalog.Service{{
			Prefix: "store", Name: "Store",
			ResourceTypes: []*catalog.ResourceType{
				{Name: "bucket", ARN: "arn:${Partition}:store:::${BucketName}", ConditionKeys: []string{"store:BucketTag/${TagKey}"}},
				{Name: "object", ARN: "arn:${Partition}:store:::${BucketName}/${ObjectName}"},
			},
			ConditionKeys: []*catalog.ConditionKey{{Name: "store:BucketTag/${TagKey}", Type: "String"}},
			Actions: []*catalog.Action{
				{Name: "GetObject", AccessLevel: catalog.Read, ResourceTypes: []*catalog.ActionResource{row("object", "kms:Decrypt")}},
				{Name: "PutObject", AccessLevel: catalog.Write, ResourceTypes: []*catalog.ActionResource{row("object", "kms:GenerateDataKey", "kms:Decrypt")}},
				{Name: "ListBucket", AccessLevel: catalog.List, ResourceTypes: []*catalog.ActionResource{row("bucket")}},
				{Name: "CopyObject", AccessLevel: catalog.Write, ResourceTypes: []*catalog.ActionResource{row("bucket"), row("object")}},
				{Name: "ListAllBuckets", AccessLevel: catalog.List, ResourceTypes: []*catalog.ActionResource{row("")}},
				{Name: "PutBucketPolicy", AccessLevel: catalog.Write, Override: &catalog.AccessLevelOverride{Level: catalog.PermissionsManagement, Source: catalog.OverrideSource},
					ResourceTypes: []*catalog.ActionResource{row("bucket")}},
				{Name: "Odd", AccessLevel: catalog.Read, ResourceTypes: []*catalog.ActionResource{row("nowhere")}},
			},
		}, {
			Prefix: "kms", Name: "KMS",
			ResourceTypes: []*catalog.ResourceType{{Name: "key", ARN: "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"}},
			Actions: []*catalog.Action{
				{Name: "Decrypt", AccessLevel: catalog.Write, ResourceTypes: []*catalog.ActionResource{row("key")}},
				{Name: "GenerateDataKey", AccessLevel: catalog.Write, ResourceTypes: []*catalog.ActionResource{row("key")}},
			},
		}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return policy.NewEngine(c)
}

func TestWrite(t *testing.T) {
	e := demo(t)
	p := Write(e, Spec{
		Actions:   []string{"store:Get*", "store:listallbuckets", "store:CopyObject", "store:Odd"},
		Levels:    []ServiceLevels{{Service: "store", Levels: []catalog.AccessLevel{"list", catalog.PermissionsManagement}}},
		Resources: []Resource{{Type: "store:bucket", Values: map[string]string{"BucketName": "reports"}}, {Type: "store:object", Values: map[string]string{"BucketName": "reports", "ObjectName": "${aws:username}/*"}}},
		Dependent: []string{"kms:Decrypt"},
	})
	if len(p.Problems) > 0 {
		t.Fatalf("problems: %q", p.Problems)
	}
	wantJSON := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "KmsWriteKey",
      "Effect": "Allow",
      "Action": [
        "kms:Decrypt"
      ],
      "Resource": [
        "arn:*:kms:*:*:key/*"
      ]
    },
    {
      "Sid": "StoreListBucket",
      "Effect": "Allow",
      "Action": [
        "store:ListBucket"
      ],
      "Resource": [
        "arn:*:store:::reports"
      ]
    },
    {
      "Sid": "StoreReadObject",
      "Effect": "Allow",
      "Action": [
        "store:GetObject"
      ],
      "Resource": [
        "arn:*:store:::reports/${aws:username}/*"
      ]
    },
    {
      "Sid": "StoreWriteBucket",
      "Effect": "Allow",
      "Action": [
        "store:CopyObject"
      ],
      "Resource": [
        "arn:*:store:::reports"
      ]
    },
    {
      "Sid": "StoreWriteObject",
      "Effect": "Allow",
      "Action": [
        "store:CopyObject"
      ],
      "Resource": [
        "arn:*:store:::reports/${aws:username}/*"
      ]
    },
    {
      "Sid": "StorePermissionsManagementBucket",
      "Effect": "Allow",
      "Action": [
        "store:PutBucketPolicy"
      ],
      "Resource": [
        "arn:*:store:::reports"
      ]
    },
    {
      "Sid": "NoResourceConstraint",
      "Effect": "Allow",
      "Action": [
        "store:ListAllBuckets",
        "store:Odd"
      ],
      "Resource": [
        "*"
      ]
    }
  ]
}
`
	if string(p.JSON) != wantJSON {
		t.Errorf("JSON:\n%s\nwant:\n%s", p.JSON, wantJSON)
	}
	v := p.Verification
	if !v.Exact || len(v.Extra) > 0 || len(v.Missing) > 0 {
		t.Errorf("verification: exact %v, extra %v, missing %v; findings %v", v.Exact, v.Extra, v.Missing, v.Findings)
	}
	for _, f := range v.Findings {
		if f.Severity == policy.Error {
			t.Errorf("finding %s", f)
		}
	}
	var ids []string
	for _, a := range p.Actions {
		ids = append(ids, a.ID())
	}
	if got := strings.Join(ids, " "); got != "kms:Decrypt store:CopyObject store:GetObject store:ListAllBuckets store:ListBucket store:Odd store:PutBucketPolicy" {
		t.Errorf("actions %s", got)
	}
	if len(p.Dependent) != 1 || p.Dependent[0].Name != "kms:Decrypt" || !p.Dependent[0].Included || len(p.Dependent[0].Of) != 1 {
		t.Errorf("dependent %+v", p.Dependent)
	}
	var forms []string
	for _, f := range p.Resources {
		var vars []string
		for _, v := range f.Variables {
			vars = append(vars, v.Name+"="+v.Value)
		}
		forms = append(forms, f.Type.Service.Prefix+":"+f.Type.Name+"["+strings.Join(vars, ",")+"]")
	}
	if got := strings.Join(forms, " "); got != "kms:key[Partition=*,Region=*,Account=*,KeyId=*] store:bucket[Partition=*,BucketName=reports] store:object[Partition=*,BucketName=reports,ObjectName=${aws:username}/*]" {
		t.Errorf("forms %s", got)
	}
	if h := p.Resources[1].ConditionKeys; len(h) != 1 || h[0].Type != "String" {
		t.Errorf("hints %+v", h)
	}
	if !strings.Contains(string(p.Terraform), `"arn:*:store:::reports/$${aws:username}/*",`) || !strings.HasPrefix(string(p.Terraform), `data "aws_iam_policy_document" "policy" {`) {
		t.Errorf("terraform:\n%s", p.Terraform)
	}

	// Without asking, the dependent actions are offered, not included.
	p = Write(e, Spec{Actions: []string{"store:PutObject"}})
	if len(p.Dependent) != 2 || p.Dependent[0].Included || len(p.Statements) != 1 || !p.Verification.Exact {
		t.Errorf("offered %+v, statements %+v", p.Dependent, p.Statements)
	}
	p = Write(e, Spec{Actions: []string{"store:PutObject"}, AllDependent: true})
	if len(p.Actions) != 3 || !p.Verification.Exact {
		t.Errorf("all dependent: %d actions", len(p.Actions))
	}
}

func TestTerraform(t *testing.T) {
	p := Write(demo(t), Spec{Actions: []string{"store:ListAllBuckets", "store:ListBucket"}, Name: "9 reader"})
	want := `data "aws_iam_policy_document" "_9_reader" {
  statement {
    sid    = "StoreListBucket"
    effect = "Allow"
    actions = [
      "store:ListBucket",
    ]
    resources = [
      "arn:*:store:::*",
    ]
  }

  statement {
    sid    = "NoResourceConstraint"
    effect = "Allow"
    actions = [
      "store:ListAllBuckets",
    ]
    resources = [
      "*",
    ]
  }
}
`
	if string(p.Terraform) != want {
		t.Errorf("got:\n%s\nwant:\n%s", p.Terraform, want)
	}
	for in, want := range map[string]string{
		`plain`:                  `"plain"`,
		`a"b\c`:                  `"a\"b\\c"`,
		"${aws:username}/%{x}$x": `"$${aws:username}/%%{x}$x"`,
		"tab\tnl\n\x01":          `"tab\tnl\n\u0001"`,
	} {
		if got := hclString(in); got != want {
			t.Errorf("hclString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestProblems(t *testing.T) {
	e := demo(t)
	p := Write(e, Spec{
		Actions:   []string{"store:GetObjekt", "GetObject", "store:Nothing*"},
		Levels:    []ServiceLevels{{Service: "nope"}, {Service: "store", Levels: []catalog.AccessLevel{"Readable"}}},
		Resources: []Resource{{Type: "store:thing"}, {Type: "kms:key"}, {Type: "store:bucket"}},
		Dependent: []string{"kms:Decrypt"},
	})
	want := []string{
		`"store:GetObjekt" matches no action in the catalog; did you mean store:GetObject?`,
		`"GetObject" is not an action`,
		`"store:Nothing*" matches no action`,
		`"nope" is not a service prefix`,
		`"Readable" is not an access level`,
		`"kms:Decrypt" is not a dependent action`,
		`"store:thing" is not a resource type`,
		`no chosen action names resource type kms:key`,
		`no chosen action names resource type store:bucket`,
	}
	if len(p.Problems) != len(want) {
		t.Fatalf("problems %q", p.Problems)
	}
	for i, w := range want {
		if !strings.HasPrefix(p.Problems[i], w) {
			t.Errorf("problem %d: %q, want %q…", i, p.Problems[i], w)
		}
	}
	p = Write(e, Spec{Actions: []string{"store:ListBucket"}, Resources: []Resource{{Type: "store:bucket", Values: map[string]string{"Bucket": "x"}}}})
	if len(p.Problems) != 1 || !strings.Contains(p.Problems[0], `no variable "Bucket"`) {
		t.Errorf("problems %q", p.Problems)
	}
	// A resource the engine rejects: the statement grants nothing, and
	// the verification says what is missing and why.
	p = Write(e, Spec{Actions: []string{"store:ListBucket"}, Resources: []Resource{{Type: "store:bucket", ARNs: []string{"reports"}}}})
	if v := p.Verification; v.Exact || len(v.Missing) != 1 || len(v.Findings) == 0 || v.Findings[0].Code != policy.CodeMalformedARN {
		t.Errorf("verification %+v", v)
	}
}

func TestVerifyExtra(t *testing.T) {
	e := demo(t)
	doc := []byte(`{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": ["store:Get*", "store:LISTBUCKET"], "Resource": "*"}]}`)
	v := Verify(e, doc, []*catalog.Action{e.Catalog().Action("store:ListBucket")})
	if v.Exact || len(v.Extra) != 1 || v.Extra[0].Action.Name != "GetObject" || !strings.Contains(v.Extra[0].Reason, `statement 1 (A): "store:Get*" matches it`) || len(v.Missing) != 0 {
		t.Errorf("%+v", v)
	}
}

// TestStatements: how the chosen actions are grouped into statements, and
// what cannot be followed.
func TestStatements(t *testing.T) {
	broken := func(tb testing.TB) *policy.Engine {
		c, err := catalog.New(catalog.Contents{
			Snapshot: catalog.Snapshot{Date: "2026-06-14"},
			Services: []*catalog.Service{{
				Prefix: "sync", Name: "Sync",
				ResourceTypes: []*catalog.ResourceType{{Name: "profile", ARN: "^arn:${Partition}:sync:${Region}:${Account}:profile/${Id}"}},
				Actions: []*catalog.Action{
					{Name: "GetProfile", AccessLevel: catalog.Read, ResourceTypes: []*catalog.ActionResource{{Name: "profile", Required: true}}},
					{Name: "getprofile", AccessLevel: catalog.Read, ResourceTypes: []*catalog.ActionResource{{Name: "profile", Required: true}}},
				},
			}},
		})
		if err != nil {
			tb.Fatal(err)
		}
		return policy.NewEngine(c)
	}
	for _, tc := range []struct {
		name     string
		engine   func(testing.TB) *policy.Engine
		spec     Spec
		want     string // statements as Sid=actions@resources, one per line
		problems []string
		exact    bool
	}{
		{name: "one type", spec: Spec{Actions: []string{"store:GetObject"}},
			want: "StoreReadObject=store:GetObject@arn:*:store:::*/*", exact: true},
		{name: "levels split a type", spec: Spec{Actions: []string{"store:GetObject", "store:PutObject"}},
			want: "StoreReadObject=store:GetObject@arn:*:store:::*/*\nStoreWriteObject=store:PutObject@arn:*:store:::*/*", exact: true},
		{name: "an action in each of its types", spec: Spec{Actions: []string{"store:CopyObject"}},
			want: "StoreWriteBucket=store:CopyObject@arn:*:store:::*\nStoreWriteObject=store:CopyObject@arn:*:store:::*/*", exact: true},
		{name: "override level", spec: Spec{Levels: []ServiceLevels{{Service: "store", Levels: []catalog.AccessLevel{catalog.PermissionsManagement}}}},
			want: "StorePermissionsManagementBucket=store:PutBucketPolicy@arn:*:store:::*", exact: true},
		{name: "no resource and dangling type on *", spec: Spec{Actions: []string{"store:ListAllBuckets", "store:Odd"}},
			want: "NoResourceConstraint=store:ListAllBuckets,store:Odd@*", exact: true},
		{name: "ARNs as written", spec: Spec{Actions: []string{"store:ListBucket"}, Resources: []Resource{{Type: "store:bucket", ARNs: []string{"arn:aws:store:::a", "arn:aws:store:::b"}}}},
			want: "StoreListBucket=store:ListBucket@arn:aws:store:::a,arn:aws:store:::b", exact: true},
		{name: "exclude", spec: Spec{Actions: []string{"store:*Object"}, Exclude: []string{"store:Put*", "store:Copy*", "store:Nope*"}},
			want: "StoreReadObject=store:GetObject@arn:*:store:::*/*", exact: true,
			problems: []string{`exclude "store:Nope*" matches no action in the catalog`}},
		{name: "values and ARNs both", spec: Spec{Actions: []string{"store:ListBucket"}, Resources: []Resource{{Type: "store:bucket", ARNs: []string{"arn:aws:store:::a"}, Values: map[string]string{"BucketName": "b"}}}},
			want: "StoreListBucket=store:ListBucket@arn:aws:store:::a", exact: true,
			problems: []string{"resource type store:bucket: give ARNs or values, not both"}},
		{name: "malformed catalog format goes on *", engine: broken, spec: Spec{Actions: []string{"sync:GetProfile"}},
			want:     "NoResourceConstraint=sync:GetProfile@*",
			problems: []string{`the catalog's ARN format of resource type sync:profile, "^arn:${Partition}:sync:${Region}:${Account}:profile/${Id}", is not an ARN: its actions are written on "*" (give the type's ARNs to scope them)`}},
		{name: "malformed catalog format, ARNs given", engine: broken, spec: Spec{Actions: []string{"sync:GetProfile"}, Resources: []Resource{{Type: "sync:profile", ARNs: []string{"arn:aws:sync:*:*:profile/p"}}}},
			want: "SyncReadProfile=sync:GetProfile@arn:aws:sync:*:*:profile/p"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng := demo
			if tc.engine != nil {
				eng = tc.engine
			}
			p := Write(eng(t), tc.spec)
			var got []string
			for _, st := range p.Statements {
				got = append(got, st.Sid+"="+strings.Join(st.Actions, ",")+"@"+strings.Join(st.Resources, ","))
			}
			if g := strings.Join(got, "\n"); g != tc.want {
				t.Errorf("statements:\n%s\nwant:\n%s", g, tc.want)
			}
			if strings.Join(p.Problems, "\n") != strings.Join(tc.problems, "\n") {
				t.Errorf("problems %q, want %q", p.Problems, tc.problems)
			}
			if tc.exact && !p.Verification.Exact {
				t.Errorf("not exact: %+v", p.Verification)
			}
		})
	}
	// Two catalog actions whose names differ only in case: writing one
	// allows both, and the verification says why.
	p := Write(broken(t), Spec{Actions: []string{"sync:GetProfile"}, Resources: []Resource{{Type: "sync:profile", ARNs: []string{"arn:aws:sync:*:*:profile/p"}}}})
	v := p.Verification
	if v.Exact || len(v.Extra) != 1 || v.Extra[0].Action.Name != "getprofile" || !strings.Contains(v.Extra[0].Reason, "IAM compares action names ignoring case") {
		t.Errorf("case twin: %+v", v)
	}
}

// TestEncode: the JSON of a written policy, decoded back into the shape
// docs/policy.md documents.
func TestEncode(t *testing.T) {
	e := demo(t)
	p := Write(e, Spec{Actions: []string{"store:GetObject", "store:ListAllBuckets", "store:Nope"}, Name: "r"})
	out := Encode(p, e.Catalog().Snapshot)
	if !strings.HasSuffix(string(out), "}\n") || strings.Count(string(out), "\n") != 1 {
		t.Fatalf("not one line: %q", out)
	}
	var got struct {
		Schema   string
		Snapshot struct{ Date, Hash string }
		Actions  []struct {
			Action      string
			AccessLevel string `json:"access_level"`
		}
		Problems  []string
		Resources []struct {
			Type          string
			ARNFormat     string `json:"arn_format"`
			Variables     []struct{ Name, Value string }
			ARNs          []string
			Malformed     bool
			ConditionKeys []struct{ Name, Type string } `json:"condition_keys"`
			Actions       []string
		}
		Dependent []struct {
			Action   string
			Known    bool
			Of       []string
			Included bool
		}
		Statements []struct {
			Sid          string
			AccessLevel  string `json:"access_level"`
			ResourceType string `json:"resource_type"`
			Actions      []string
			Resources    []string
		}
		Policy, Terraform string
		Verification      struct {
			Exact    bool
			Extra    []any
			Missing  []any
			Findings []any
		}
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Schema != Schema || got.Snapshot.Date != "2026-06-14" || len(got.Actions) != 2 || got.Actions[0].Action != "store:GetObject" || got.Actions[0].AccessLevel != "Read" {
		t.Errorf("head %+v", got)
	}
	if len(got.Problems) != 1 || !strings.Contains(got.Problems[0], `"store:Nope" matches no action`) {
		t.Errorf("problems %q", got.Problems)
	}
	if len(got.Resources) != 1 || got.Resources[0].Type != "store:object" || got.Resources[0].ARNs[0] != "arn:*:store:::*/*" || len(got.Resources[0].Variables) != 3 {
		t.Errorf("resources %+v", got.Resources)
	}
	if len(got.Dependent) != 1 || got.Dependent[0].Action != "kms:Decrypt" || !got.Dependent[0].Known || got.Dependent[0].Included || got.Dependent[0].Of[0] != "store:GetObject" {
		t.Errorf("dependent %+v", got.Dependent)
	}
	if len(got.Statements) != 2 || got.Statements[0].ResourceType != "store:object" || got.Statements[1].Sid != "NoResourceConstraint" || got.Statements[1].ResourceType != "" || got.Statements[1].AccessLevel != "" {
		t.Errorf("statements %+v", got.Statements)
	}
	if got.Policy != string(p.JSON) || got.Terraform != string(p.Terraform) || !got.Verification.Exact || got.Verification.Extra == nil || got.Verification.Missing == nil || got.Verification.Findings == nil {
		t.Errorf("policy, terraform or verification: %+v", got.Verification)
	}
}
