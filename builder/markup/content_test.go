package markup

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/yamlpos"
)

// contentDir is the repository's content tree, seen from this package.
const contentDir = "../../content"

// TestContentRenders renders every guide and example page of the content
// tree, so a front-matter mistake fails here and not only in a site build.
func TestContentRenders(t *testing.T) {
	guides, _ := filepath.Glob(filepath.Join(contentDir, "guides", "*", "*.md"))
	examples, _ := filepath.Glob(filepath.Join(contentDir, "examples", "*.md"))
	if len(guides) == 0 || len(examples) == 0 {
		t.Fatalf("found %d guides and %d examples under %s", len(guides), len(examples), contentDir)
	}
	jsonFence := regexp.MustCompile("(?ms)^```json\n(.*?)^```$")
	r := New()
	for _, file := range append(guides, examples...) {
		rel, _ := filepath.Rel(contentDir, file)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := r.Render(rel, src)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Summary == "" || len(doc.Sources) == 0 {
				t.Errorf("summary %q, %d sources: every page needs a summary and a source", doc.Summary, len(doc.Sources))
			}
			if dir := filepath.Base(filepath.Dir(file)); dir != "examples" && doc.Service != dir {
				t.Errorf("service %q, but the guide is under guides/%s/", doc.Service, dir)
			}
			for _, m := range jsonFence.FindAllSubmatch(src, -1) {
				if !json.Valid(m[1]) {
					t.Errorf("a ```json block is not valid JSON:\n%s", m[1])
				}
			}
		})
	}
}

// TestExamplePolicies checks that each example page has its policy
// document beside it, valid and pretty-printed with two-space indents,
// unless the page's front matter says the document is verbatim (a
// mistake kept as its source prints it).
func TestExamplePolicies(t *testing.T) {
	r := New()
	pages, _ := filepath.Glob(filepath.Join(contentDir, "examples", "*.md"))
	policies, _ := filepath.Glob(filepath.Join(contentDir, "examples", "*.json"))
	if len(pages) != len(policies) {
		t.Errorf("%d example pages but %d policy documents", len(pages), len(policies))
	}
	for _, page := range pages {
		file := strings.TrimSuffix(page, ".md") + ".json"
		src, err := os.ReadFile(file)
		if err != nil {
			t.Error(err)
			continue
		}
		md, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := r.Render(page, md)
		if err != nil {
			t.Errorf("%s: %v", page, err)
			continue
		}
		if doc.Verbatim {
			if json.Valid(src) {
				t.Errorf("%s says its document is verbatim, with its mistakes, but %s is valid JSON", page, file)
			}
			continue
		}
		var compact, pretty bytes.Buffer
		if err := json.Compact(&compact, src); err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		_ = json.Indent(&pretty, compact.Bytes(), "", "  ")
		pretty.WriteByte('\n')
		if !bytes.Equal(pretty.Bytes(), src) {
			t.Errorf("%s is not pretty-printed with two-space indents and a final newline", file)
		}
	}
}

// managedPolicyTableRows is the number of action rows in the table
// "Action | Description | Managed Policy" of the Amazon Chime Administration
// Guide page "Controlling access to the Amazon Chime console" (seed 002 of
// the project), counted by hand when content/docs/chime-managed-policy-table.yaml
// was written: group heading rows such as "**Accounts**" are not counted.
const managedPolicyTableRows = 84

func TestManagedPolicyTable(t *testing.T) {
	file := filepath.Join(contentDir, "docs", "chime-managed-policy-table.yaml")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var table struct {
		Source   struct{ Name, URL string } `yaml:"source"`
		Policies map[string]string          `yaml:"policies"`
		Rows     []struct {
			Action   string   `yaml:"action"`
			Group    string   `yaml:"group"`
			Policies []string `yaml:"policies"`
		} `yaml:"rows"`
	}
	root, errs := yamlpos.Parse(file, src, 1)
	if errs == nil {
		errs = yamlpos.Decode(file, root, &table)
	}
	if errs != nil {
		t.Fatal(errs)
	}
	if table.Source.Name == "" || !strings.HasPrefix(table.Source.URL, "https://") {
		t.Errorf("source = %+v, want a name and an https URL", table.Source)
	}
	wantPolicies := map[string]string{"FA": "AmazonChimeFullAccess", "UM": "AmazonChimeUserManagement", "RO": "AmazonChimeReadOnly"}
	if len(table.Policies) != len(wantPolicies) {
		t.Errorf("policies = %v, want %v", table.Policies, wantPolicies)
	}
	for k, v := range wantPolicies {
		if table.Policies[k] != v {
			t.Errorf("policies[%s] = %q, want %q", k, table.Policies[k], v)
		}
	}
	if len(table.Rows) != managedPolicyTableRows {
		t.Errorf("%d rows, want %d", len(table.Rows), managedPolicyTableRows)
	}
	// The groups in the order the guide lists them.
	groups := []string{"Accounts", "Users", "Reporting", "Attachments", "Domains", "Active Directory", "Okta", "Calling", "Amazon Chime Support", "AWS Account Delegation"}
	seen := map[string]bool{}
	last := 0
	for _, row := range table.Rows {
		if !strings.HasPrefix(row.Action, "chime:") || seen[row.Action] {
			t.Errorf("action %q: want a chime: action listed once", row.Action)
		}
		seen[row.Action] = true
		g := slices.Index(groups, row.Group)
		if g < last {
			t.Errorf("%s: group %q unknown or out of order", row.Action, row.Group)
		} else {
			last = g
		}
		if len(row.Policies) == 0 || !slices.Contains(row.Policies, "FA") {
			t.Errorf("%s: policies %v, want at least FA (the guide marks every action FA)", row.Action, row.Policies)
		}
		for _, p := range row.Policies {
			if _, ok := wantPolicies[p]; !ok {
				t.Errorf("%s: unknown policy %q", row.Action, p)
			}
		}
	}
	// Names the guide spells its own way must be kept as they are.
	for _, a := range []string{"chime:ListMeetingReportData", "chime:RetrieveDataExport"} {
		if !seen[a] {
			t.Errorf("%s is missing", a)
		}
	}
}
