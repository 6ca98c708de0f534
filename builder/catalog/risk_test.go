package catalog

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

const riskService = `{"iam": {"service_name": "IAM", "prefix": "iam", "privileges": {
  "PassRole": {"privilege": "PassRole", "description": "d", "access_level": "Write", "resource_types": {}},
  "CreateAccessKey": {"privilege": "CreateAccessKey", "description": "d", "access_level": "Write", "resource_types": {}},
  "CreatePolicyVersion": {"privilege": "CreatePolicyVersion", "description": "d", "access_level": "Permissions management", "resource_types": {}}}}}`

const riskSources = `sensitive-actions.yaml: {name: list, url: "https://example.com/a", licence: CC0-1.0}
privesc-paths.json: {name: paths, url: "https://example.com/b", licence: Apache-2.0, version: v1}
`

func TestRisks(t *testing.T) {
	c, err := Load(fstest.MapFS{
		"catalog/iam.json": {Data: []byte(riskService)},
		RiskSourcesFile:    {Data: []byte(riskSources)},
		SensitiveActionsFile: {Data: []byte(`PrivEsc:
  Actions:
  - iam:CreatePolicyVersion
  - iam:PassRole
CredentialExposure:
  Actions:
  - iam:createaccesskey
  - iam:CreatePolicyVersion
  - iam:Gone
`)},
		EscalationPathsFile: {Data: []byte(`[
 {"id": "iam-001", "name": "iam:CreatePolicyVersion", "category": "self-escalation", "services": ["iam"],
  "required": ["iam:CreatePolicyVersion"], "additional": [], "url": "https://example.com/iam-001"},
 {"id": "x-001", "name": "iam:PassRole + x:Run", "category": "new-passrole", "services": ["iam", "x"],
  "required": ["iam:PassRole", "x:Run"], "additional": ["iam:ListRoles"], "url": "https://example.com/x-001"}]`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	cpv := c.Action("iam:CreatePolicyVersion")
	if !slices.Equal(cpv.Risks, []RiskCategory{CredentialExposure, PrivEsc}) {
		t.Errorf("CreatePolicyVersion risks = %v, want both in display order", cpv.Risks)
	}
	if a := c.Action("iam:CreateAccessKey"); !slices.Equal(a.Risks, []RiskCategory{CredentialExposure}) {
		t.Errorf("CreateAccessKey risks = %v (the list's case differs)", a.Risks)
	}
	if got := c.SensitiveActions(PrivEsc); len(got) != 2 || got[0].Name != "CreatePolicyVersion" || got[1].Name != "PassRole" {
		t.Errorf("PrivEsc actions = %v, want catalog order", got)
	}
	paths := c.EscalationPaths()
	if len(paths) != 2 || paths[0].RequiredActions[0] != cpv || paths[1].RequiredActions[1] != nil || paths[1].Additional[0] != "iam:ListRoles" {
		t.Fatalf("paths = %+v", paths)
	}
	unknown := c.UnknownRiskNames()
	if len(unknown) != 2 || unknown[0].Name != "iam:Gone" || unknown[0].Line != 9 || unknown[0].What != "CredentialExposure" || unknown[1].Name != "x:Run" || unknown[1].What != "x-001" {
		t.Errorf("unknown names = %+v", unknown)
	}
	if s := c.RiskSource(EscalationPathsFile); s.Name != "paths" || s.Licence != "Apache-2.0" || s.Version != "v1" {
		t.Errorf("source = %+v", s)
	}
	if PrivEsc.Slug() != "privesc" || PrivEsc.Title() != "Privilege escalation" {
		t.Error("PrivEsc slug or title")
	}
}

func TestRiskErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"no credit", map[string]string{SensitiveActionsFile: "PrivEsc: {Actions: [iam:PassRole]}\n"}, []string{RiskSourcesFile + ": no credit for " + SensitiveActionsFile}},
		{"bad sources", map[string]string{RiskSourcesFile: "sensitive-actions.yaml: {name: x}\nother.txt: {name: y, url: u, licence: l}\n"},
			[]string{RiskSourcesFile + ":1:1: " + SensitiveActionsFile + ": name, url and licence are required", RiskSourcesFile + `:2:1: "other.txt" is not one of the risk lists`}},
		{"bad category", map[string]string{RiskSourcesFile: riskSources, SensitiveActionsFile: "Chaos:\n  Actions: [iam:PassRole]\nPrivEsc:\n  Actions: iam:PassRole\n  Extra: 1\n"},
			[]string{SensitiveActionsFile + `:1:1: unknown risk category "Chaos"`, `:5:3: PrivEsc: unknown key "Extra"`, ":4:3: PrivEsc: want Actions, a list of actions"}},
		{"bad paths", map[string]string{RiskSourcesFile: riskSources, EscalationPathsFile: `[{"id": "a", "url": "u", "required": ["iam:PassRole"], "category": "magic"},
{"id": "b", "url": "u", "required": [], "category": "self-escalation"},
{"id": "c", "url": "u", "required": ["iam:PassRole"], "category": "self-escalation", "notes": "x"},
{"id": "d", "url": "u", "required": ["iam:PassRole"], "category": "self-escalation"},
{"id": "d", "url": "u", "required": ["iam:PassRole"], "category": "self-escalation"}]`},
			[]string{`:1:2: path a: unknown category "magic"`, `:2:1: path "b": id, url and at least one required permission are needed`, `:3:86: path: unknown key "notes"`, ":5:1: path d is listed twice (first at line 4)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"catalog/iam.json": {Data: []byte(riskService)}}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := Load(fsys)
			if err == nil {
				t.Fatal("Load succeeded, want errors")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestShippedRisks(t *testing.T) {
	if testing.Short() {
		t.Skip("full catalog")
	}
	c, err := Load(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.EscalationPaths()); n != 65 {
		t.Errorf("%d paths, want the 65 of pathfinding.cloud", n)
	}
	distinct := map[*Action]bool{}
	for _, r := range RiskCategories {
		for _, a := range c.SensitiveActions(r) {
			distinct[a] = true
		}
	}
	// 486 distinct names, four not in the catalog of 2026-09-26:
	// workmail:ResetUserPassword never was, deeplens went with its service
	// and the two sso actions on 2026-08-25.
	if len(distinct) != 482 {
		t.Errorf("%d sensitive actions in the catalog, want 482", len(distinct))
	}
	var unknown []string
	for _, u := range c.UnknownRiskNames() {
		unknown = append(unknown, u.Name)
	}
	if got, want := strings.Join(unknown, " "), "deeplens:AssociateServiceRoleToAccount sso:DeletePermissionsPolicy sso:UpdateDirectoryAssociation workmail:ResetUserPassword"; got != want {
		t.Errorf("unknown names = %s, want %s", got, want)
	}
	for _, p := range c.EscalationPaths() {
		if !strings.HasPrefix(p.URL, "https://pathfinding.cloud/paths/") {
			t.Errorf("%s: URL %s", p.ID, p.URL)
		}
	}
	if len(c.RiskSources()) != 2 {
		t.Errorf("sources = %+v", c.RiskSources())
	}
}
