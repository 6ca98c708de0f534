package site

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/linkcheck"
	"github.com/iamref/iamref/builder/output"
	"github.com/iamref/iamref/internal/sitetest"
	"github.com/iamref/iamref/static"
	"github.com/iamref/iamref/templates"
)

// sessionSite is policySite with guides of two services, and a spare
// partial template and static file for the removal cases.
const sessionSite = policySite + `
-- guides/demo/intro.md --
---
title: Getting started with Demo
summary: What Demo's IAM support looks like.
order: 1
---
# Getting started

Grant ` + "`demo:DescribeWidget`" + ` first.

## Policies

Start from the read-only example.
-- guides/demo/tags.md --
---
title: Tagging widgets
summary: Tags on widgets.
order: 2
---
# Tagging widgets

Use ` + "`demo:TagWidget`" + `.
-- guides/other/setup.md --
---
title: Setting up Other
summary: Things.
---
# Setting up Other

Put things.
`

// sessionEdit is one edit of a preview session's sources.
type sessionEdit struct {
	name string
	dir  string // "content", "templates" or "static"
	file string
	// data is the file's new content: nil removes it; edit, when set,
	// makes it from the old one.
	data  []byte
	edit  func(old string) string
	how   string       // what the session must have rebuilt ("" when any)
	pages int          // how many pages it must have rendered (0: any)
	also  *sessionEdit // a second file changed with it
	same  bool         // the output stays the same
}

func replaceOnce(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic("no " + old)
		}
		return strings.Replace(s, old, new, 1)
	}
}

// sessionEdits are the edits TestSessionMatchesBuild makes: a guide, an
// example, a template, a stylesheet, a policy and a catalog file, each
// changed, added and removed.
var sessionEdits = []sessionEdit{
	// A guide's text: its page alone; its title or summary (the list of
	// the service's guides): the service page and its guides'; an order
	// that keeps them in order, nothing; one that reorders them, the
	// whole site (the sitemap lists the pages in order).
	{name: "guide edited", dir: "content", file: "guides/demo/intro.md", edit: replaceOnce("Start from the read-only example.", "Start from [the examples](../../../examples/).\n\n## More\n\nAnd then some."), how: "guides", pages: 1},
	{name: "guide title edited", dir: "content", file: "guides/demo/tags.md", edit: replaceOnce("title: Tagging widgets", "title: Tags"), how: "guides", pages: 3},
	{name: "guide summary edited", dir: "content", file: "guides/demo/intro.md", edit: replaceOnce("summary: What Demo's IAM support looks like.", "summary: Demo and IAM."), how: "guides", pages: 3},
	{name: "guide order edited", dir: "content", file: "guides/demo/tags.md", edit: replaceOnce("order: 2", "order: 3"), how: "guides", pages: 1, same: true},
	{name: "guide reordered", dir: "content", file: "guides/demo/tags.md", edit: func(s string) string { return regexp.MustCompile(`order: \d+`).ReplaceAllString(s, "order: 0") }, how: "whole"},
	{name: "guides edited in two services", dir: "content", file: "guides/other/setup.md", edit: replaceOnce("Put things.", "Put things away."), how: "guides", pages: 2,
		also: &sessionEdit{dir: "content", file: "guides/demo/tags.md", edit: replaceOnce("Use ", "Call ")}},
	{name: "guide added", dir: "content", file: "guides/demo/ping.md", data: []byte("---\ntitle: Ping\n---\n# Ping\n\nPing it.\n"), how: "whole"},
	{name: "guide removed", dir: "content", file: "guides/other/setup.md", how: "whole"},
	{name: "example edited", dir: "content", file: "examples/demo-read.json", edit: replaceOnce(`"demo:List*"`, `"demo:List*", "other:GetThing"`), how: "examples",
		pages: 3}, // the example's page, the list, the one action it allows now
	{name: "example narrowed", dir: "content", file: "examples/demo-read.json", edit: replaceOnce(`, "demo:List*"`, ``), how: "examples"},
	{name: "example retitled", dir: "content", file: "examples/demo-read.md", edit: replaceOnce(`title: Read Demo widgets`, `title: Read widgets`), how: "examples"},
	{name: "example added", dir: "content", file: "examples/other-put.json", data: []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "other:PutThing", "Resource": "*"}]}`),
		also: &sessionEdit{dir: "content", file: "examples/other-put.md", data: []byte("---\ntitle: Put things\n---\nPuts.\n")}},
	{name: "example removed", dir: "content", file: "examples/demo-read.json", also: &sessionEdit{dir: "content", file: "examples/demo-read.md"}},
	{name: "template edited", dir: "templates", file: "service.tmpl", edit: replaceOnce(`{{define "content"}}`, `{{define "content"}}<p>edited</p>`), how: "templates"},
	{name: "base template edited", dir: "templates", file: "base.tmpl", edit: replaceOnce(`</main>`, `</main><p>edited</p>`), how: "templates"},
	{name: "partial added", dir: "templates", file: "partials/extra.tmpl", data: []byte(`{{define "extra-unused"}}x{{end}}`), how: "templates", same: true},
	{name: "partial removed", dir: "templates", file: "partials/spare.tmpl", how: "templates", same: true},
	{name: "stylesheet edited", dir: "static", file: "css/site.css", edit: func(s string) string { return s + "\n.edited { color: red }\n" }, how: "templates"},
	{name: "static file added", dir: "static", file: "img/new.svg", data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), how: "templates"},
	{name: "static file removed", dir: "static", file: "img/spare.svg", how: "templates"},
	{name: "policy edited", dir: "content", file: "policies/DemoOld.json", edit: replaceOnce(`"demo:Describe?idget"`, `["demo:Describe?idget", "other:PutThing"]`)},
	{name: "policy added", dir: "content", file: "policies/DemoNew.json", data: []byte(`{"PolicyName": "DemoNew", "Arn": "arn:aws:iam::aws:policy/DemoNew", "DefaultVersionId": "v1", "CreateDate": "2022-01-01T00:00:00Z", "UpdateDate": null, "Deprecated": false, "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lone:Ping", "Resource": "*"}]}}`)},
	{name: "policy removed", dir: "content", file: "policies/DemoMixed.json"},
	{name: "catalog edited", dir: "content", file: "catalog/lone.json", edit: replaceOnce(`"description": "Ping"`, `"description": "Grants permission to ping"`)},
	{name: "catalog added", dir: "content", file: "catalog/extra.json", data: []byte(`{"extra": {"service_name": "Extra", "prefix": "extra", "privileges": {"Go": {"privilege": "Go", "description": "Go", "access_level": "Read", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}}, "resources": {}, "conditions": {}}}`)},
	{name: "catalog removed", dir: "content", file: "catalog/lone.json"},
}

// copyFS copies the files of fsys, but Go sources, into a map.
func copyFS(t testing.TB, fsys fs.FS) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) == ".go" {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readTree reads every file under dir, by slash path.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files["/"+filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// treeDiff lists the files that differ between two trees.
func treeDiff(a, b map[string][]byte) []string {
	var diff []string
	for p, d := range a {
		if e, ok := b[p]; !ok || !bytes.Equal(d, e) {
			diff = append(diff, p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			diff = append(diff, p)
		}
	}
	sort.Strings(diff)
	return diff
}

// emptyDirs lists the directories under dir that hold nothing.
func emptyDirs(t testing.TB, dir string) []string {
	var empty []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			if es, _ := os.ReadDir(p); len(es) == 0 {
				empty = append(empty, p)
			}
		}
		return nil
	})
	return empty
}

// apply makes the edit in the sources and returns the changes to report.
func (e *sessionEdit) apply(src map[string]fstest.MapFS, ch *Changes) {
	m := src[e.dir]
	switch {
	case e.edit != nil:
		m[e.file] = &fstest.MapFile{Data: []byte(e.edit(string(m[e.file].Data)))}
	case e.data != nil:
		m[e.file] = &fstest.MapFile{Data: e.data}
	default:
		delete(m, e.file)
	}
	switch e.dir {
	case "content":
		ch.Content = append(ch.Content, e.file)
	case "templates":
		ch.Templates = append(ch.Templates, e.file)
	case "static":
		ch.Static = append(ch.Static, e.file)
	}
	if e.also != nil {
		e.also.apply(src, ch)
	}
}

// TestSessionMatchesBuild edits a small site's sources, rebuilds in a
// preview Session and compares every file of the output with a build from
// scratch of the edited sources; the files the session says it changed
// must be exactly those that differ from before the edit.
func TestSessionMatchesBuild(t *testing.T) {
	t.Parallel()
	for _, e := range sessionEdits {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			src := map[string]fstest.MapFS{
				"content":   sitetest.TxtarFS(t, sessionSite),
				"templates": copyFS(t, templates.FS),
				"static":    copyFS(t, static.FS),
			}
			src["templates"]["partials/spare.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "spare-unused"}}x{{end}}`)}
			src["static"]["img/spare.svg"] = &fstest.MapFile{Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>`)}
			cfg := Config{Content: src["content"], Templates: src["templates"], Static: src["static"], BaseURL: "https://iamref.example", Dev: true}
			checkSession(t, cfg, src, []sessionEdit{e})
		})
	}
	// Edits one after the other in one session, each compared.
	t.Run("in turn", func(t *testing.T) {
		if testing.Short() {
			t.Skip("every edit one after the other: skipped by -short")
		}
		t.Parallel()
		src := map[string]fstest.MapFS{
			"content":   sitetest.TxtarFS(t, sessionSite),
			"templates": copyFS(t, templates.FS),
			"static":    copyFS(t, static.FS),
		}
		src["templates"]["partials/spare.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "spare-unused"}}x{{end}}`)}
		src["static"]["img/spare.svg"] = &fstest.MapFile{Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>`)}
		cfg := Config{Content: src["content"], Templates: src["templates"], Static: src["static"], Dev: true}
		checkSession(t, cfg, src, sessionEdits)
	})
}

// checkSession builds cfg in a session, then makes each edit, rebuilds and
// compares the output with a build from scratch.
func checkSession(t *testing.T, cfg Config, src map[string]fstest.MapFS, edits []sessionEdit) {
	t.Helper()
	ctx := context.Background()
	cfg.Out = filepath.Join(t.TempDir(), "public")
	s := NewSession(cfg)
	r, err := s.Build(ctx, Changes{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.All || r.How != "whole" {
		t.Fatalf("first build: %+v, want the whole site", r)
	}
	for _, e := range edits {
		before := readTree(t, cfg.Out)
		var ch Changes
		e.apply(src, &ch)
		r, err := s.Build(ctx, ch)
		if err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		changed, how, pages := r.Changed, r.How, r.Pages
		for r.Again {
			if r, err = s.Build(ctx, Changes{}); err != nil {
				t.Fatalf("%s: %v", e.name, err)
			}
			changed = append(changed, r.Changed...)
		}
		if e.how != "" && how != e.how {
			t.Errorf("%s: rebuilt %q, want %q", e.name, how, e.how)
		}
		if e.pages != 0 && pages != e.pages {
			t.Errorf("%s: rendered %d pages, want %d", e.name, pages, e.pages)
		}
		fresh := cfg
		fresh.Out = filepath.Join(t.TempDir(), "fresh")
		if _, err := Build(ctx, fresh); err != nil {
			t.Fatalf("%s: build from scratch: %v", e.name, err)
		}
		got, want := readTree(t, cfg.Out), readTree(t, fresh.Out)
		if diff := treeDiff(got, want); len(diff) > 0 {
			t.Errorf("%s: %d files differ from a build from scratch: %s", e.name, len(diff), strings.Join(diff[:min(8, len(diff))], " "))
		}
		if empty := emptyDirs(t, cfg.Out); len(empty) > 0 {
			t.Errorf("%s: empty directories left: %v", e.name, empty)
		}
		sort.Strings(changed)
		if diff := treeDiff(before, got); !slices.Equal(changed, diff) {
			t.Errorf("%s: the session says it changed %d files %v, %d differ: %v", e.name, len(changed), changed[:min(8, len(changed))], len(diff), diff[:min(8, len(diff))])
		}
		if len(changed) == 0 && !e.same {
			t.Errorf("%s: nothing changed", e.name)
		}
		if len(changed) > 0 && e.same {
			t.Errorf("%s: changed %v, want nothing", e.name, changed[:min(8, len(changed))])
		}
	}
}

// TestKindReadsDeclared makes sure every page kind says what it reads: a
// kind without a declaration makes every preview rebuild a whole one.
func TestKindReadsDeclared(t *testing.T) {
	for _, k := range allKinds {
		if _, ok := kindReads[k]; !ok {
			t.Errorf("page kind %q does not declare what it reads in kindReads (deps.go)", k)
		}
	}
	for k := range kindReads {
		if !slices.Contains(allKinds, k) {
			t.Errorf("kindReads declares %q, which is no page kind", k)
		}
	}
}

// overlayFS is a file system whose files are those of base but for the
// ones it holds.
type overlayFS struct {
	base  fs.FS
	files fstest.MapFS
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if _, ok := o.files[name]; ok {
		return o.files.Open(name)
	}
	return o.base.Open(name)
}

// TestSessionFullContent edits a guide of the shipped content and then the
// stylesheet in a preview Session, and compares every file of the output
// with a build from scratch of the edited content.
func TestSessionFullContent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the full catalog three times")
	}
	ctx := context.Background()
	content := overlayFS{base: os.DirFS("../../content"), files: fstest.MapFS{}}
	css := overlayFS{base: static.FS, files: fstest.MapFS{}}
	cfg := Config{Content: content, Static: css, Out: filepath.Join(t.TempDir(), "public"), Dev: true}
	s := NewSession(cfg)
	if _, err := s.Build(ctx, Changes{}); err != nil {
		t.Fatal(err)
	}
	const guide = "guides/chime/console-access.md"
	data, err := fs.ReadFile(content.base, guide)
	if err != nil {
		t.Fatal(err)
	}
	content.files[guide] = &fstest.MapFile{Data: append(data, "\n## An edit\n\nAn edited paragraph.\n"...)}
	r, err := s.Build(ctx, Changes{Content: []string{guide}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("guide edit: %s", r)
	if r.How != "guides" || !slices.Contains(r.Changed, "/chime/guides/console-access/index.html") {
		t.Errorf("guide edit: %s, %v; want the guide's pages rebuilt", r, r.Changed[:min(5, len(r.Changed))])
	}
	data, err = fs.ReadFile(static.FS, "css/site.css")
	if err != nil {
		t.Fatal(err)
	}
	css.files["css/site.css"] = &fstest.MapFile{Data: append(data, "\n.edited { color: red }\n"...)}
	if r, err = s.Build(ctx, Changes{Static: []string{"css/site.css"}}); err != nil {
		t.Fatal(err)
	}
	t.Logf("stylesheet edit: %s", r)
	fresh := cfg
	fresh.Out = filepath.Join(t.TempDir(), "fresh")
	if _, err := Build(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if diff := dirDiff(t, cfg.Out, fresh.Out); len(diff) > 0 {
		t.Errorf("%d files differ from a build from scratch: %s", len(diff), strings.Join(diff[:min(8, len(diff))], " "))
	}
}

// dirDiff lists the files that differ between two directories, reading
// one pair of files at a time.
func dirDiff(t testing.TB, a, b string) []string {
	t.Helper()
	list := func(dir string) map[string]bool {
		files := map[string]bool{}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dir, p)
				files[rel] = true
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	fa, fb := list(a), list(b)
	var diff []string
	for f := range fa {
		if !fb[f] {
			diff = append(diff, f)
			continue
		}
		da, err1 := os.ReadFile(filepath.Join(a, f))
		db, err2 := os.ReadFile(filepath.Join(b, f))
		if err1 != nil || err2 != nil || !bytes.Equal(da, db) {
			diff = append(diff, f)
		}
	}
	for f := range fb {
		if !fa[f] {
			diff = append(diff, f)
		}
	}
	sort.Strings(diff)
	return diff
}

// TestSessionSearch: with the search on, a guide edit and an example edit
// rebuild the pages, then the index (Rebuild.Again), and the output is a
// build from scratch's, the index's fixed names included; with the policy
// engine on too, a template edit after them writes its files once (they
// were added again by every partial rebuild, and the template edit failed:
// two pages write /policy-catalog-….pack).
func TestSessionSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the search engine")
	}
	src := map[string]fstest.MapFS{"content": sitetest.TxtarFS(t, sessionSite), "templates": copyFS(t, templates.FS)}
	cfg := Config{Content: src["content"], Templates: src["templates"], Dev: true, Search: true, PolicyEngine: true}
	edits := []sessionEdit{
		{name: "guide edited", dir: "content", file: "guides/demo/intro.md", edit: replaceOnce("## Policies", "## Policies and roles"), how: "guides"},
		{name: "example retitled", dir: "content", file: "examples/demo-read.md", edit: replaceOnce(`title: Read Demo widgets`, `title: Read widgets`), how: "examples"},
		// After partial rebuilds, a template: the engines' files once each.
		{name: "template edited", dir: "templates", file: "guide.tmpl", edit: replaceOnce(`{{define "content"}}`, `{{define "content"}}<p>edited</p>`), how: "templates"},
	}
	checkSession(t, cfg, src, edits)
	ctx := context.Background()
	s := NewSession(cfg)
	cfg.Out = filepath.Join(t.TempDir(), "public")
	s.cfg.Out = cfg.Out
	if _, err := s.Build(ctx, Changes{}); err != nil {
		t.Fatal(err)
	}
	src["content"]["guides/demo/intro.md"].Data = append(src["content"]["guides/demo/intro.md"].Data, "\n## Searchable\n\nA zebra.\n"...)
	r, err := s.Build(ctx, Changes{Content: []string{"guides/demo/intro.md"}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Again || slices.ContainsFunc(r.Changed, func(f string) bool { return strings.HasPrefix(f, "/search-") }) {
		t.Errorf("guide edit: %s %v; want the pages first, the index next", r, r.Changed)
	}
	if r, err = s.Build(ctx, Changes{}); err != nil {
		t.Fatal(err)
	}
	if r.How != "search" || !slices.Contains(r.Changed, "/search-desc-preview.idx") {
		t.Errorf("second build: %s %v; want the index", r, r.Changed)
	}

	// The follow-up interrupted (the server saw another edit: its ctx is
	// done) writes nothing and leaves the index to make: the next build,
	// a template edit here, asks for it again, and then it is written,
	// the output a build from scratch's.
	src["content"]["guides/demo/intro.md"].Data = append(src["content"]["guides/demo/intro.md"].Data, "A giraffe.\n"...)
	if r, err = s.Build(ctx, Changes{Content: []string{"guides/demo/intro.md"}}); err != nil || !r.Again {
		t.Fatalf("guide edit: %s, %v; want the index asked for", r, err)
	}
	interrupted, cancel := context.WithCancel(ctx)
	cancel()
	if r, err = s.Build(interrupted, Changes{}); err != nil || r.How != "search, interrupted" || !r.Again || len(r.Changed) > 0 {
		t.Fatalf("follow-up with its ctx done: %s %v, %v; want it interrupted, nothing written, the index asked for again", r, r.Changed, err)
	}
	src["templates"]["guide.tmpl"].Data = []byte(strings.Replace(string(src["templates"]["guide.tmpl"].Data), `{{define "content"}}`, `{{define "content"}}<p>again</p>`, 1))
	if r, err = s.Build(ctx, Changes{Templates: []string{"guide.tmpl"}}); err != nil || r.How != "templates" || !r.Again {
		t.Fatalf("template edit after the interrupted follow-up: %s, %v; want the index asked for again", r, err)
	}
	if r, err = s.Build(ctx, Changes{}); err != nil || r.How != "search" || !slices.Contains(r.Changed, "/search-desc-preview.idx") || r.Again {
		t.Fatalf("follow-up: %s %v, %v; want the index written", r, r.Changed, err)
	}
	fresh := cfg
	fresh.Out = filepath.Join(t.TempDir(), "fresh")
	if _, err := Build(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if diff := treeDiff(readTree(t, cfg.Out), readTree(t, fresh.Out)); len(diff) > 0 {
		t.Errorf("after the interrupted follow-up: %d files differ from a build from scratch: %s", len(diff), strings.Join(diff[:min(8, len(diff))], " "))
	}
}

// TestSessionAfterFailure: after a build fails, the next is a whole one,
// so an edit that failed is not left out: with a broken template, a guide
// edit fails too, and once the template is mended the output is a build
// from scratch's.
func TestSessionAfterFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := map[string]fstest.MapFS{"content": sitetest.TxtarFS(t, sessionSite), "templates": copyFS(t, templates.FS)}
	cfg := Config{Content: src["content"], Templates: src["templates"], Out: filepath.Join(t.TempDir(), "public"), Dev: true}
	s := NewSession(cfg)
	if _, err := s.Build(ctx, Changes{}); err != nil {
		t.Fatal(err)
	}
	good := src["templates"]["guide.tmpl"].Data
	src["templates"]["guide.tmpl"] = &fstest.MapFile{Data: append(append([]byte(nil), good...), "{{end}}"...)}
	if _, err := s.Build(ctx, Changes{Templates: []string{"guide.tmpl"}}); err == nil {
		t.Fatal("a broken template built")
	}
	guide := "guides/demo/intro.md"
	src["content"][guide] = &fstest.MapFile{Data: append(append([]byte(nil), src["content"][guide].Data...), "\nMore.\n"...)}
	if r, err := s.Build(ctx, Changes{Content: []string{guide}}); err == nil {
		t.Fatalf("a guide edit with the template still broken built: %s", r)
	}
	src["templates"]["guide.tmpl"] = &fstest.MapFile{Data: good}
	r, err := s.Build(ctx, Changes{Templates: []string{"guide.tmpl"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.How != "whole" {
		t.Errorf("after failures: %s, want a whole build", r)
	}
	fresh := cfg
	fresh.Out = filepath.Join(t.TempDir(), "fresh")
	if _, err := Build(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if diff := dirDiff(t, cfg.Out, fresh.Out); len(diff) > 0 {
		t.Errorf("%d files differ from a build from scratch: %v", len(diff), diff[:min(8, len(diff))])
	}
}

// TestSessionRefusesOutput: a session's first build replaces its output
// whole, so it refuses what Build refuses (output.Check): a directory
// holding anything but a previous build, or one the build reads; what is
// there stays. Its later rebuilds keep the build's mark.
func TestSessionRefusesOutput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	content := sitetest.TxtarFS(t, sessionSite)
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes", "todo.txt")
	if err := os.MkdirAll(filepath.Dir(notes), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	protected := filepath.Join(dir, "content")
	if err := os.Mkdir(protected, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{filepath.Dir(notes), filepath.Join(protected, "public")} {
		s := NewSession(Config{Content: content, Out: out, Dev: true, Protect: []string{protected}})
		_, err := s.Build(ctx, Changes{})
		var refused *output.RefusedError
		if !errors.As(err, &refused) {
			t.Errorf("a session into %s: %v, want a refusal", out, err)
		}
	}
	if data, err := os.ReadFile(notes); err != nil || string(data) != "mine" {
		t.Errorf("the refused directory's file: %q, %v", data, err)
	}
	out := filepath.Join(dir, "preview")
	s := NewSession(Config{Content: content, Out: out, Dev: true, Protect: []string{protected}})
	if _, err := s.Build(ctx, Changes{}); err != nil {
		t.Fatal(err)
	}
	guide := "guides/demo/intro.md"
	content[guide] = &fstest.MapFile{Data: append(append([]byte(nil), content[guide].Data...), "\nMore.\n"...)}
	r, err := s.Build(ctx, Changes{Content: []string{guide}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changed) == 0 {
		t.Errorf("a guide edit changed no file: %s", r)
	}
	if _, err := os.Stat(filepath.Join(out, output.Marker)); err != nil {
		t.Errorf("after a rebuild the preview's output has no %s: %v", output.Marker, err)
	}
}

// TestSessionIgnoresEditorFiles: a change to an editor's or the system's
// file, which the build never reads, builds nothing.
func TestSessionIgnoresEditorFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := Config{Content: sitetest.TxtarFS(t, sessionSite), Out: filepath.Join(t.TempDir(), "preview"), Dev: true}
	s := NewSession(cfg)
	if _, err := s.Build(ctx, Changes{}); err != nil {
		t.Fatal(err)
	}
	r, err := s.Build(ctx, Changes{
		Content:   []string{"guides/demo/.intro.md.swp", "guides/demo/intro.md~", ".DS_Store", ".git/index"},
		Templates: []string{".#guide.tmpl"},
		Static:    []string{"css/#site.css#"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.How != "nothing" || len(r.Changed) > 0 {
		t.Errorf("editors' files: %s (%s), changed %q, want nothing", r, r.How, r.Changed)
	}
}

// TestSessionChecksLinksIntoEditedPages: a guide edit checks the links of
// the pages it renders and, of the pages it keeps, their links into those
// pages (linkcheck.CheckAgain): a heading another guide links to, renamed,
// fails the rebuild as it fails a build from scratch, and the served site
// stays as it was.
func TestSessionChecksLinksIntoEditedPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	content := sitetest.TxtarFS(t, sessionSite)
	tags := "guides/demo/tags.md"
	content[tags].Data = append(append([]byte(nil), content[tags].Data...), "\nSee [the policies](../intro/#policies).\n"...)
	cfg := Config{Content: content, Out: filepath.Join(t.TempDir(), "preview"), Dev: true}
	s := NewSession(cfg)
	if _, err := s.Build(ctx, Changes{}); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, cfg.Out)
	intro := "guides/demo/intro.md"
	good := content[intro].Data
	content[intro] = &fstest.MapFile{Data: []byte(strings.Replace(string(good), "## Policies", "## Roles", 1))}
	_, err := s.Build(ctx, Changes{Content: []string{intro}})
	var le *linkcheck.Error
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "/demo/guides/tags/index.html → ../intro/#policies") {
		t.Fatalf("renamed heading: %v, want the broken link from the other guide", err)
	}
	fresh := cfg
	fresh.Out = filepath.Join(t.TempDir(), "fresh")
	if _, err := Build(ctx, fresh); !errors.As(err, &le) {
		t.Fatalf("a build from scratch: %v, want the broken link", err)
	}
	if diff := treeDiff(before, readTree(t, cfg.Out)); len(diff) > 0 {
		t.Errorf("a failed rebuild changed %v", diff)
	}
	content[intro] = &fstest.MapFile{Data: good}
	if _, err := s.Build(ctx, Changes{Content: []string{intro}}); err != nil {
		t.Fatal(err)
	}
}
