package policy

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
)

// synthCatalog builds a catalog from "prefix" → action names, every action
// at access level levels[name] or Read.
func synthCatalog(tb testing.TB, services map[string][]string, levels map[string]string) *catalog.Catalog {
	tb.Helper()
	fsys := fstest.MapFS{}
	for prefix, names := range services {
		privs := map[string]any{}
		for _, n := range names {
			level := levels[prefix+":"+n]
			if level == "" {
				level = "Read"
			}
			privs[n] = map[string]any{
				"privilege": n, "description": "Grants permission to " + n, "access_level": level,
				"resource_types": map[string]any{"": map[string]any{"resource_type": "", "required": false, "condition_keys": []string{}, "dependent_actions": []string{}}},
			}
		}
		src, err := json.Marshal(map[string]any{prefix: map[string]any{
			"service_name": "Service " + prefix, "prefix": prefix, "privileges": privs,
			"resources": map[string]any{}, "conditions": map[string]any{},
		}})
		if err != nil {
			tb.Fatal(err)
		}
		fsys["catalog/"+prefix+".json"] = &fstest.MapFile{Data: src}
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// testCatalog is a small catalog for rule tests.
func testCatalog(tb testing.TB) *catalog.Catalog {
	return synthCatalog(tb, map[string][]string{
		"s3":            {"GetObject", "GetObjectAcl", "PutObject", "ListBucket", "DeleteObject", "GetBucketPolicy"},
		"iam":           {"CreateRole", "PassRole", "ListRoles", "GetRole", "CreateServiceLinkedRole"},
		"chime":         {"ListAccounts", "GetAccount", "ListMeetingsReportData", "RetrieveDataExports", "GetGlobalSettings", "CreateMeeting"},
		"organizations": {"DescribeOrganization", "CreateAccount"},
		"ec2":           {"DescribeInstances", "DescribeImages", "RunInstances", "TerminateInstances"},
	}, map[string]string{"s3:PutObject": "Write", "s3:DeleteObject": "Write", "iam:CreateRole": "Write", "chime:CreateMeeting": "Write"})
}

// ids lists the allowed actions as "prefix:Name".
func ids(r *Result) []string {
	out := make([]string, len(r.Allowed))
	for i, g := range r.Allowed {
		out[i] = g.Action.ID()
	}
	return out
}

func mustParse(tb testing.TB, src string) *Document {
	tb.Helper()
	doc, _ := Parse([]byte(src))
	return doc
}

func findingsString(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n\t%s", f)
	}
	return b.String()
}
