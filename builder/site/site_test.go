package site

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/internal/sitetest"
)

// miniSite is a small catalog with the awkward names real data has:
// resource types with '/' and spaces, templated keys, a dangling resource
// type, a lower-case action, markup in a description, a guide.
const miniSite = `
-- catalog/demo.json --
{"demo": {"service_name": "Demo <Service>", "prefix": "demo", "service_authorization_url": "https://example.com/demo",
 "privileges": {
  "CreateWidget": {"privilege": "CreateWidget", "description": "Grants permission to create a <script>alert(1)</script> widget", "access_level": "Write",
   "api_documentation_link": "https://example.com/CreateWidget",
   "resource_types": {
     "widget group": {"resource_type": "widget group", "required": true, "condition_keys": ["aws:ResourceTag/${TagKey}"], "dependent_actions": ["demo:describe", "other:Thing"]},
     "listener-rule/app": {"resource_type": "listener-rule/app", "required": false, "condition_keys": [], "dependent_actions": []},
     "ghost": {"resource_type": "ghost", "required": false, "condition_keys": [], "dependent_actions": []},
     "": {"resource_type": "", "required": false, "condition_keys": ["aws:RequestTag/${TagKey}", "demo:Color"], "dependent_actions": []}}},
  "describe": {"privilege": "describe", "description": "Grants permission to describe", "access_level": "Read",
   "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}},
 "resources": {
  "widget group": {"resource": "widget group", "arn": "arn:${Partition}:demo:${Region}:${Account}:widget-group/${GroupName}", "condition_keys": ["aws:ResourceTag/${TagKey}"]},
  "listener-rule/app": {"resource": "listener-rule/app", "arn": "arn:${Partition}:demo:${Region}:${Account}:listener-rule/app/${Id}", "condition_keys": []}},
 "conditions": {
  "demo:Color": {"condition": "demo:Color", "description": "Filters by color", "type": "String"},
  "aws:RequestTag/${TagKey}": {"condition": "aws:RequestTag/${TagKey}", "description": "Filters by a tag in the request", "type": "String"}}}}
-- catalog/snapshot.yaml --
date: "2026-06-14"
source: test
-- guides/demo/intro.md --
---
title: Getting started with Demo
summary: What Demo's IAM support looks like.
order: 1
---
# Getting started

Grant ` + "`demo:describe`" + ` first.

## Policies

` + "```json\n{\"Version\": \"2012-10-17\"}\n```" + `
`

// TestMain removes the sites built once for the package's tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if hostSite.dir != "" {
		os.RemoveAll(hostSite.dir)
	}
	os.Exit(code)
}

func buildSite(t testing.TB, content fs.FS) (string, Stats) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	stats, err := Build(context.Background(), Config{Content: content, Out: out, BaseURL: "https://iamref.example"})
	if err != nil {
		t.Fatal(err)
	}
	return out, stats
}

func TestMiniSite(t *testing.T) {
	t.Parallel()
	out, stats := buildSite(t, sitetest.TxtarFS(t, miniSite))
	if stats.Pages == 0 {
		t.Fatal("no pages")
	}
	tests := []struct {
		file string
		want []string // substrings; a leading "! " means must not contain
	}{
		{"index.html", []string{`href="./demo/"`, "Demo &lt;Service&gt;", `<link rel="canonical" href="https://iamref.example/">`}},
		{"demo/index.html", []string{
			`id="action-CreateWidget"`, `id="action-describe"`, `href="../demo/CreateWidget/"`, `href="../demo/describe/"`,
			`href="../demo/resources/widget-group/"`, `href="../demo/resources/listener-rule_app/"`,
			`<span class="dangling" title="not defined by this service">ghost</span>`,
			`href="../conditions/aws_ResourceTag_TagKey/"`, `id="resource-widget-group"`, `id="condition-demo_Color"`,
			`href="../demo/guides/intro/"`, "! <script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;",
			`href="../api/catalog/demo.json"`, `Derived from the catalog`,
		}},
		{"demo/CreateWidget/index.html", []string{
			`<h1 id="top"><code class="id">demo:CreateWidget</code>`, `<span class="level level-write">Write</span>`,
			`href="../../demo/resources/widget-group/"`, `<span class="yes">Required</span>`, `href="../../demo/describe/"`, `<code>other:Thing</code>`,
			`arn:${Partition}:demo:${Region}:${Account}:widget-group/${GroupName}`, `<nav class="crumbs"`, `href="../../"`,
			`Filters by a tag in the request`, `href="https://example.com/CreateWidget"`,
		}},
		{"demo/describe/index.html", []string{"Listed as a dependent action of", `href="../../demo/CreateWidget/"`}},
		{"demo/resources/widget-group/index.html", []string{"widget group", `href="../../../demo/CreateWidget/"`, "Actions that require it (1)"}},
		{"demo/resources/listener-rule_app/index.html", []string{"listener-rule/app", "Actions that accept it (1)"}},
		{"conditions/aws_RequestTag_TagKey/index.html", []string{"aws:RequestTag/${TagKey}", "aws:RequestTag/Owner", `href="../../demo/CreateWidget/"`, "StringEquals"}},
		{"conditions/index.html", []string{`href="../conditions/aws_ResourceTag_TagKey/"`, `href="../conditions/demo_Color/"`}},
		{"demo/guides/intro/index.html", []string{"Getting started with Demo", `<code>demo:describe</code>`, `class="chroma"`, "! style="}},
		{"api/catalog/demo.json", []string{`"schema": "iamref.catalog.v1"`, `"id": "demo:CreateWidget"`, `"defined": false`}},
		{"404.html", []string{`href="/"`, `name="q"`}},
	}
	for _, tt := range tests {
		sitetest.Contains(t, tt.file, sitetest.ReadFile(t, out, tt.file), tt.want...)
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	content := sitetest.TxtarFS(t, miniSite)
	a, _ := buildSite(t, content)
	b, _ := buildSite(t, content)
	if diff := compareTrees(t, a, b); diff != "" {
		t.Error(diff)
	}
}

// compareTrees reports the first difference between two directories.
func compareTrees(t *testing.T, a, b string) string {
	t.Helper()
	files := map[string][]byte{}
	_ = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(a, p)
			files[rel], _ = os.ReadFile(p)
		}
		return err
	})
	n := 0
	err := filepath.WalkDir(b, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(b, p)
		data, _ := os.ReadFile(p)
		want, ok := files[rel]
		if !ok {
			return &os.PathError{Op: "only in second build", Path: rel}
		}
		if !bytes.Equal(want, data) {
			return &os.PathError{Op: "differs", Path: rel}
		}
		n++
		return nil
	})
	if err != nil {
		return err.Error()
	}
	if n != len(files) {
		return "first build has files the second lacks"
	}
	return ""
}

func TestFailedBuildKeepsOutput(t *testing.T) {
	t.Parallel()
	out, _ := buildSite(t, sitetest.TxtarFS(t, miniSite))
	before := sitetest.ReadFile(t, out, "index.html")
	bad := sitetest.TxtarFS(t, miniSite)
	bad["catalog/broken.json"] = &fstest.MapFile{Data: []byte("{\"broken\": {\"service_name\": \"B\",\n \"prefix\": \"broken\"\n \"privileges\": {}}}")}
	bad["catalog/lvl.json"] = &fstest.MapFile{Data: []byte(`{"lvl": {"service_name": "L", "prefix": "lvl", "privileges": {"A": {"privilege": "A", "description": "d", "access_level": "Admin", "resource_types": {}}}}}`)}
	bad["guides/demo/bad.md"] = &fstest.MapFile{Data: []byte("---\ntitle: x\ncolour: red\n---\nbody\n")}
	// A guide of a service whose file is broken is not blamed for it.
	bad["guides/broken/intro.md"] = &fstest.MapFile{Data: []byte("---\ntitle: x\n---\nbody\n")}
	_, err := Build(context.Background(), Config{Content: bad, Out: out})
	if err == nil {
		t.Fatal("build with broken content succeeded")
	}
	// Every problem of every kind in one run: the guide's too.
	want := strings.Join([]string{
		`catalog/broken.json:3:2: invalid JSON: unexpected '"' in object, expecting ',' or '}' (is a comma missing?)`,
		`catalog/lvl.json:1:123: action lvl:A: unknown access level "Admin" (want one of List, Read, Write, Permissions management, Tagging)`,
		`guides/demo/bad.md:3:1: unknown key "colour"`,
		"(3 problems)",
	}, "\n")
	if err.Error() != want {
		t.Errorf("error:\n%v\nwant\n%s", err, want)
	}
	if after := sitetest.ReadFile(t, out, "index.html"); after != before {
		t.Error("failed build changed the previous output")
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("failed build left %d entries beside the output, want only public/", len(entries))
	}
}

// TestGolden compares a few rendered pages of real services with golden files.
func TestGolden(t *testing.T) {
	t.Parallel()
	out := buildHostSite(t)
	for _, p := range []string{
		"chime/CreateMeeting/index.html",
		"chime/BatchCreateAttendee/index.html",
		"s3/PutObject/index.html",
		"s3/resources/object/index.html",
	} {
		t.Run(p, func(t *testing.T) {
			checkGolden(t, out, p)
		})
	}
}

var assetHash = regexp.MustCompile(`\.[0-9a-f]{10}\.(css|js|xml|wasm|idx)\b`)

var contentHash = regexp.MustCompile(`\(content <code>[0-9a-f]{12}</code>\)`)
