package leastprivilege

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// jsonStatement is a statement of the written JSON policy, and of the
// Terraform data source read back.
type jsonStatement struct {
	Sid      string
	Effect   string
	Action   []string
	Resource []string
}

// readTerraform reads the Terraform the writer gives with HCL's own
// parser (the one Terraform reads configurations with) and evaluates
// every attribute as Terraform would, without variables: the statements
// it says, and the data source's name.
func readTerraform(t *testing.T, src []byte) (string, []jsonStatement) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig(src, "policy.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("the Terraform does not parse: %v\n%s", diags, src)
	}
	body := f.Body.(*hclsyntax.Body)
	if len(body.Attributes) != 0 || len(body.Blocks) != 1 {
		t.Fatalf("the Terraform is not one block:\n%s", src)
	}
	data := body.Blocks[0]
	if data.Type != "data" || len(data.Labels) != 2 || data.Labels[0] != "aws_iam_policy_document" {
		t.Fatalf("the Terraform's block is %s %q, not data \"aws_iam_policy_document\" NAME", data.Type, data.Labels)
	}
	if !hclsyntax.ValidIdentifier(data.Labels[1]) {
		t.Errorf("the data source's name %q is not a Terraform identifier", data.Labels[1])
	}
	str := func(e hclsyntax.Expression) cty.Value {
		v, diags := e.Value(nil)
		if diags.HasErrors() {
			t.Fatalf("the Terraform's %T at %v: %v", e, e.Range(), diags)
		}
		return v
	}
	strs := func(e hclsyntax.Expression) []string {
		v := str(e)
		if !v.Type().IsTupleType() {
			t.Fatalf("at %v: a %s, not a list", e.Range(), v.Type().FriendlyName())
		}
		var out []string
		for _, x := range v.AsValueSlice() {
			out = append(out, x.AsString())
		}
		return out
	}
	var sts []jsonStatement
	for _, b := range data.Body.Blocks {
		if b.Type != "statement" || len(b.Labels) != 0 || len(b.Body.Blocks) != 0 {
			t.Fatalf("the data source holds a %s block %q", b.Type, b.Labels)
		}
		var st jsonStatement
		for name, a := range b.Body.Attributes {
			switch name {
			case "sid":
				st.Sid = str(a.Expr).AsString()
			case "effect":
				st.Effect = str(a.Expr).AsString()
			case "actions":
				st.Action = strs(a.Expr)
			case "resources":
				st.Resource = strs(a.Expr)
			default:
				t.Fatalf("a statement's attribute %s", name)
			}
		}
		sts = append(sts, st)
	}
	return data.Labels[1], sts
}

// readJSON is the written JSON policy's statements.
func readJSON(t *testing.T, src []byte) []jsonStatement {
	t.Helper()
	var doc struct {
		Version   string
		Statement []jsonStatement
	}
	if err := json.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Statement
}

// sameTerraform: the Terraform says the JSON policy's statements, each
// value as the JSON has it.
func sameTerraform(t *testing.T, what string, p *Policy) {
	t.Helper()
	_, tf := readTerraform(t, p.Terraform)
	js := readJSON(t, p.JSON)
	if !slices.EqualFunc(tf, js, func(a, b jsonStatement) bool {
		return a.Sid == b.Sid && a.Effect == b.Effect && slices.Equal(a.Action, b.Action) && slices.Equal(a.Resource, b.Resource)
	}) {
		t.Errorf("%s: the Terraform says\n%+v\nthe JSON\n%+v", what, tf, js)
	}
}

// TestTerraformReadBack: the Terraform the writer gives, read by HCL's
// parser and evaluated as Terraform evaluates it, is the JSON policy's
// statements, for ARNs with policy variables (${aws:username}, which
// Terraform would interpolate unescaped), template directives (%{),
// quotes, backslashes, control and non-ASCII characters, and names that
// are not identifiers; and for random action choices over the catalog.
func TestTerraformReadBack(t *testing.T) {
	e := demo(t)
	for _, c := range []struct {
		name string
		arns []string
	}{
		{"reader", []string{"arn:aws:store:::reports/${aws:username}/*"}},
		{"9 lives", []string{"arn:aws:store:::a%{if x}b%{endif}", "arn:aws:store:::$${literal}"}},
		{"ünï code", []string{"arn:aws:store:::quo\"te\\back/ü/€", "arn:aws:store:::tab\there\nline\x01\x7f"}},
		{"", []string{"arn:aws:store:::${aws:PrincipalTag/team}-${aws:username}$", "arn:aws:store:::%", "arn:aws:store:::${"}},
	} {
		p := Write(e, Spec{Actions: []string{"store:PutObject", "store:ListAllBuckets"}, Name: c.name,
			Resources: []Resource{{Type: "store:object", ARNs: c.arns}}})
		name, _ := readTerraform(t, p.Terraform)
		if name != terraformName(c.name) {
			t.Errorf("%q: the data source is named %q", c.name, name)
		}
		sameTerraform(t, fmt.Sprintf("%q", c.arns), p)
		found := 0
		for _, st := range readJSON(t, p.JSON) {
			for _, r := range st.Resource {
				if slices.Contains(c.arns, r) {
					found++
				}
			}
		}
		if found != len(c.arns) {
			t.Errorf("%q: %d of the ARNs in the JSON, want %d:\n%s", c.arns, found, len(c.arns), p.JSON)
		}
	}

	s := shipped(t)
	all := allActions(s)
	runs := shortRuns(200, 30)
	rng := rand.New(rand.NewPCG(2026, 12))
	for run := range runs {
		var spec Spec
		for range 1 + rng.IntN(10) {
			spec.Actions = append(spec.Actions, all[rng.IntN(len(all))].ID())
		}
		spec.AllDependent = rng.IntN(2) == 0
		sameTerraform(t, fmt.Sprintf("run %d: %v", run, spec.Actions), Write(s, spec))
	}
}
