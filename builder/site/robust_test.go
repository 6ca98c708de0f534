package site

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/contentfs"
	"github.com/iamref/iamref/internal/sitetest"
)

// failBuild builds content that must fail and returns the error's lines.
func failBuild(t *testing.T, content fs.FS) []string {
	t.Helper()
	_, err := Build(context.Background(), Config{Content: content, Out: filepath.Join(t.TempDir(), "public")})
	if err == nil {
		t.Fatal("the build succeeded")
	}
	return strings.Split(err.Error(), "\n")
}

// wantLines checks that each want starts one of the lines.
func wantLines(t *testing.T, lines []string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, w)
		}
		if !found {
			t.Errorf("no line starts with %q in\n%s", w, strings.Join(lines, "\n"))
		}
	}
}

// TestEveryStageReports: four broken files of different kinds (the
// services YAML, a documented table, a managed policy, a guide) are four
// errors of one run, not one error a run.
func TestEveryStageReports(t *testing.T) {
	t.Parallel()
	content := sitetest.TxtarFS(t, miniSite)
	content["services/demo.yaml"] = &fstest.MapFile{Data: []byte("service: demo\nfeatures: [\n")}
	content["docs/demo-managed-policy-table.yaml"] = &fstest.MapFile{Data: []byte("source: {name: n, url: \"https://a.example/\"}\npolicies: {FA: DemoFullAccess}\nrows: 3\n")}
	content["policies/DemoFullAccess.json"] = &fstest.MapFile{Data: []byte("{\"PolicyName\": \"DemoFullAccess\",\n \"Document\": {}\n \"Arn\": null}")}
	content["guides/demo/bad.md"] = &fstest.MapFile{Data: []byte("---\ntitle: x\nsumary: s\n---\n")}
	lines := failBuild(t, content)
	wantLines(t, lines,
		"docs/demo-managed-policy-table.yaml:3:7: rows: expected a list",
		"guides/demo/bad.md:3:1: unknown key \"sumary\"",
		"policies/DemoFullAccess.json:3:2: ",
		"services/demo.yaml:2:11: this '[' is never closed",
		"(4 problems)")
}

// recordingFS fails the test when a file of an editor or the system is
// opened.
type recordingFS struct {
	fstest.MapFS
	t *testing.T
}

func (r recordingFS) Open(name string) (fs.File, error) {
	for _, el := range strings.Split(name, "/") {
		if el != "." && contentfs.Ignored(el) {
			r.t.Errorf("the build opened %s", name)
		}
	}
	return r.MapFS.Open(name)
}

// TestEditorFilesIgnored: vim swap files, emacs locks and backups and
// .DS_Store beside the content broke the build; they are ignored by rule,
// never read.
func TestEditorFilesIgnored(t *testing.T) {
	t.Parallel()
	content := sitetest.TxtarFS(t, miniSite)
	for _, name := range []string{"catalog/.demo.json.swp", "catalog/.#demo.json", "guides/demo/.intro.md.swp", "guides/demo/intro.md~",
		"guides/demo/#intro.md#", ".DS_Store", "guides/.DS_Store", "catalog/Thumbs.db", "examples/._x.json"} {
		content[name] = &fstest.MapFile{Data: []byte("b0VIM 9.0\x00\xff\xfe binary junk")}
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Config{Content: recordingFS{content, t}, Out: out}); err != nil {
		t.Fatal(err)
	}
	sitetest.Contains(t, "demo/guides/intro/index.html", sitetest.ReadFile(t, out, "demo/guides/intro/index.html"), "Getting started with Demo")
}

// TestNothingSilent: every file under content/ is read or named; a
// catalog file without a service, names that would leave their place,
// actions that differ only in case, bytes that are not UTF-8, scripts in
// links and a policy over its limit are each an error at their place.
func TestNothingSilent(t *testing.T) {
	t.Parallel()
	huge := `{"PolicyName": "Huge", "Document": {"Statement": [` + strings.Repeat(`{"Effect": "Allow", "Action": "demo:describe", "Resource": "*"},`, 16500) + `{}]}}`
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"stray files", map[string]string{
			"guides/demo/deep/nested.md": "---\ntitle: x\n---\n", "guides/demo/old.markdown": "x", "services/demo.yml": "x",
			"policies/sub/Nested.json": "{}", "policies/Shouted.JSON": "{}", "notes.txt": "x",
		}, []string{
			"guides/demo/deep/nested.md: the build does not read this file: guides/ holds guides/*/*.md (a guide), and no other directories",
			"guides/demo/old.markdown: the build does not read this file: guides/demo/old.markdown is a guide: name it guides/demo/old.md",
			"notes.txt: the build does not read this file: content/ holds catalog/, history/",
			"policies/Shouted.JSON: the build does not read this file: policies/Shouted.JSON is a managed policy: name it policies/Shouted.json",
			"policies/sub/Nested.json: the build does not read this file: policies/ holds policies/*.json",
			"services/demo.yml: the build does not read this file: services/demo.yml is a service's IAM features: name it services/demo.yaml",
		}},
		{"empty catalog file", map[string]string{"catalog/other.json": "{}"},
			[]string{`catalog/other.json:1:1: no service in this file: want {"other": {`}},
		{"file not named by its prefix", map[string]string{"catalog/other.json": `{"another": {"service_name": "A", "prefix": "another"}}`},
			[]string{`catalog/other.json:1:2: service "another" in other.json: a catalog file is named by the prefix of its service (catalog/another.json)`}},
		{"action ..", map[string]string{"catalog/dots.json": `{"dots": {"service_name": "D", "prefix": "dots", "privileges": {"..": {"privilege": "..", "description": "d", "access_level": "Read", "resource_types": {}}}}}`},
			[]string{`catalog/dots.json:1:65: action name "..": "." and ".." are not names`}},
		{"actions that differ in case", map[string]string{"catalog/twice.json": `{"twice": {"service_name": "T", "prefix": "twice", "privileges": {
"AcceptDelegate": {"privilege": "AcceptDelegate", "description": "d", "access_level": "Write", "resource_types": {}},
"acceptdelegate": {"privilege": "acceptdelegate", "description": "d", "access_level": "Write", "resource_types": {}}}}}`},
			[]string{"catalog/twice.json:3:1: action twice:acceptdelegate differs only in case from twice:AcceptDelegate (line 2)"}},
		{"not UTF-8", map[string]string{
			"guides/demo/cafe.md":  "---\ntitle: Caf\xe9\n---\n",
			"catalog/latin1.json":  "{\"latin1\": {\"service_name\": \"Caf\xe9\", \"prefix\": \"latin1\"}}",
			"examples/latin1.md":   "---\ntitle: t\n---\n",
			"examples/latin1.json": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"caf\xe9\"}]}",
		}, []string{
			"catalog/latin1.json:1:33: invalid UTF-8: byte 0xE9", "examples/latin1.json:1:53: invalid UTF-8: byte 0xE9",
			"guides/demo/cafe.md:2:11: invalid UTF-8: byte 0xE9",
		}},
		{"script links", map[string]string{
			"guides/demo/click.md": "---\ntitle: t\n---\nSee [the console](javascript:alert(document.cookie)).\n",
			"catalog/js.json":      `{"js": {"service_name": "J", "prefix": "js", "service_authorization_url": "javascript:alert(1)"}}`,
		}, []string{
			"catalog/js.json:1:75: service js: service_authorization_url: a javascript: URL",
			"guides/demo/click.md:4:6: a link to a javascript: URL",
		}},
		{"manifest lines that are no paths", map[string]string{"urls.txt": "# published\n/\nnot a path\n  /demo/../x/\n/demo/ x\n"},
			[]string{`urls.txt:3:1: "not a path" is no site path`, `urls.txt:4:3: "/demo/../x/" is no site path`, `urls.txt:5:1: "/demo/ x" is no site path`}},
		{"history without its list", map[string]string{"history/2026-06-14.jsonl": "{}\n"},
			[]string{"history/snapshots.yaml: missing, but history/ holds 2026-06-14.jsonl"}},
		{"over the limit", map[string]string{"policies/Huge.json": huge},
			[]string{"policies/Huge.json: policies/Huge.json is 1.0 MiB, more than the 1 MiB a managed policy may have"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			content := sitetest.TxtarFS(t, miniSite)
			for name, data := range tt.files {
				content[name] = &fstest.MapFile{Data: []byte(data)}
			}
			lines := failBuild(t, content)
			wantLines(t, lines, tt.want...)
			if n := len(tt.want); n > 1 && lines[len(lines)-1] != fmt.Sprintf("(%d problems)", n) {
				t.Errorf("%s, want %d problems", lines[len(lines)-1], n)
			}
		})
	}
}
