package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamref/iamref/builder/site"
	staticfs "github.com/iamref/iamref/static"
	"github.com/iamref/iamref/templates"
)

func writeContent(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const service = `{"demo": {"service_name": "Demo", "prefix": "demo", "privileges": {
 "GetThing": {"privilege": "GetThing", "description": "Grants permission to get a thing", "access_level": "Read",
  "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}}}}`

func TestRun(t *testing.T) {
	content := writeContent(t, map[string]string{"catalog/demo.json": service, "catalog/snapshot.yaml": "date: \"2026-06-14\"\n"})
	out := filepath.Join(t.TempDir(), "public")
	var stdout, stderr bytes.Buffer
	// builder/site tests the search, cmd/policywasm the policy engine;
	// the flags keep this test from compiling them when .cache/wasm is cold
	if err := run(context.Background(), []string{"-content", content, "-out", out, "-search=false", "-policy-engine=false"}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "built ") || !strings.Contains(stdout.String(), " pages, ") {
		t.Errorf("summary line = %q", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(out, "demo", "GetThing", "index.html")); err != nil {
		t.Error(err)
	}
}

// TestRunRelativeOut builds into the default, relative output directory
// from the working directory, as the README's command does: the build
// once hung there, climbing from the temporary directory's uncleaned name
// to "." and waiting on itself.
func TestRunRelativeOut(t *testing.T) {
	content := writeContent(t, map[string]string{"catalog/demo.json": service, "catalog/snapshot.yaml": "date: \"2026-06-14\"\n"})
	t.Chdir(t.TempDir())
	for _, out := range []string{"", "public", "./site/public"} {
		args := []string{"-content", content, "-search=false", "-policy-engine=false"}
		if out != "" {
			args = append(args, "-out", out)
		}
		done := make(chan error, 1)
		go func() { done <- run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("-out %q: %v", out, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("-out %q: the build hung", out)
		}
		if out == "" {
			out = "public"
		}
		if _, err := os.Stat(filepath.Join(out, "demo", "GetThing", "index.html")); err != nil {
			t.Errorf("-out %q: %v", out, err)
		}
	}
}

// TestRunWithoutGoTool: the search engine and the policy engine are
// compiled with the go tool; without it the build fails saying so, unless
// -search=false -policy-engine=false.
func TestRunWithoutGoTool(t *testing.T) {
	content := writeContent(t, map[string]string{"catalog/demo.json": service, "catalog/snapshot.yaml": "date: \"2026-06-14\"\n"})
	out := filepath.Join(t.TempDir(), "public")
	t.Setenv("PATH", t.TempDir())
	err := run(context.Background(), []string{"-content", content, "-out", out}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "go tool") || !strings.Contains(err.Error(), "-search=false") {
		t.Fatalf("build without the go tool: %v; want an error naming the go tool and -search=false", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the failed build left an output directory")
	}
	err = run(context.Background(), []string{"-content", content, "-out", out, "-search=false"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "go tool") || !strings.Contains(err.Error(), "-policy-engine=false") {
		t.Fatalf("-search=false without the go tool: %v; want an error naming the go tool and -policy-engine=false", err)
	}
	if err := run(context.Background(), []string{"-content", content, "-out", out, "-search=false", "-policy-engine=false"}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatalf("-search=false -policy-engine=false without the go tool: %v", err)
	}
}

func TestRunReportsEveryProblem(t *testing.T) {
	content := writeContent(t, map[string]string{
		"catalog/a.json": `{"a": {"service_name": "A", "prefix": "a", "privileges": {"X": {"privilege": "X", "description": "d", "access_level": "Sometimes", "resource_types": {}}}}}`,
		"catalog/b.json": "{\"b\": {\n\"service_name\": \"B\" \"prefix\": \"b\"}}",
	})
	out := filepath.Join(t.TempDir(), "public")
	err := run(context.Background(), []string{"-content", content, "-out", out}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil {
		t.Fatal("run succeeded on bad content")
	}
	for _, w := range []string{"catalog/a.json:1:", `unknown access level "Sometimes"`, "catalog/b.json:2:21: invalid JSON", "(2 problems)"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("failed build created %s", out)
	}
}

func TestRunFlags(t *testing.T) {
	if err := run(context.Background(), []string{"-nope"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("unknown flag accepted")
	}
	if err := run(context.Background(), []string{"extra"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("stray argument accepted")
	}
}

// TestRunCPUProfile: -cpuprofile writes a profile pprof can read.
func TestRunCPUProfile(t *testing.T) {
	content := writeContent(t, map[string]string{"catalog/demo.json": service, "catalog/snapshot.yaml": "date: \"2026-06-14\"\n"})
	dir := t.TempDir()
	prof := filepath.Join(dir, "cpu.pprof")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-content", content, "-out", filepath.Join(dir, "public"), "-search=false", "-policy-engine=false", "-cpuprofile", prof}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	// A profile is a gzipped protocol buffer.
	f, err := os.Open(prof)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("profile: %v", err)
	}
	if n, err := io.Copy(io.Discard, zr); err != nil || n == 0 {
		t.Errorf("profile: %d bytes, %v", n, err)
	}
}

// TestPreviewBuild: the preview server's build makes pages that load the
// reload script, which a plain build leaves out, and passes the changed
// files on to the session, by the directory they are in.
func TestPreviewBuild(t *testing.T) {
	guide := "---\ntitle: Intro\n---\n# Intro\n\nGet things.\n"
	content := writeContent(t, map[string]string{"catalog/demo.json": service, "catalog/snapshot.yaml": "date: \"2026-06-14\"\n", "guides/demo/intro.md": guide})
	out := filepath.Join(t.TempDir(), "public")
	build := previewBuild(site.Config{Content: os.DirFS(content), Out: out}, content, "", "")
	built, err := build(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(built.Summary, " pages, ") || !built.All {
		t.Errorf("first build: %+v", built)
	}
	page, err := os.ReadFile(filepath.Join(out, "demo", "GetThing", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("/js/reload.")) {
		t.Error("a preview page does not load the reload script")
	}
	file := filepath.Join(content, "guides", "demo", "intro.md")
	if err := os.WriteFile(file, []byte(strings.Replace(guide, "Get things.", "Get every thing.", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	built, err = build(context.Background(), []string{file})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(built.Summary, "guides:") || !slices.Contains(built.Files, "/demo/guides/intro/index.html") || built.All {
		t.Errorf("after a guide edit: %+v, want the guide's page rebuilt alone", built)
	}
	if page := readFile(t, filepath.Join(out, "demo", "guides", "intro", "index.html")); !strings.Contains(page, "Get every thing.") {
		t.Error("the guide's page does not show the edit")
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestRunRefusesDangerousOut: -out may not be the content (which the
// build used to replace with the site), a directory around it (-out P
// deleted the whole project), the repository root, or a directory that
// holds anything but a previous build; each is refused before anything is
// touched, and a previous build is replaced as before.
func TestRunRefusesDangerousOut(t *testing.T) {
	project := writeContent(t, map[string]string{
		"go.mod":                        "module example.com/p\n",
		"content/catalog/demo.json":     service,
		"content/catalog/snapshot.yaml": "date: \"2026-06-14\"\n",
		"mytemplates/base.tmpl":         "x",
		"notes/todo.txt":                "keep me",
	})
	content := filepath.Join(project, "content")
	for _, tt := range []struct {
		out  string
		args []string
		want string
	}{
		{content, nil, "it is " + content},
		{filepath.Join(content, "catalog"), nil, "it lies inside " + content},
		{project, nil, "it contains " + content},
		{filepath.Join(project, "mytemplates"), []string{"-templates", filepath.Join(project, "mytemplates")}, "which the build reads"},
		{filepath.Join(project, "notes"), nil, "no build of iamref"},
	} {
		args := append([]string{"-content", content, "-out", tt.out, "-search=false", "-policy-engine=false"}, tt.args...)
		err := run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "refusing to build into "+tt.out) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("-out %s: %v, want a refusal saying %q", tt.out, err, tt.want)
		}
	}
	// The repository root, given with content elsewhere.
	elsewhere := writeContent(t, map[string]string{"catalog/demo.json": service, "catalog/snapshot.yaml": "date: \"2026-06-14\"\n"})
	if err := run(context.Background(), []string{"-content", elsewhere, "-out", project, "-search=false", "-policy-engine=false"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "root of a repository") {
		t.Errorf("-out at the repository root: %v", err)
	}
	for p, want := range map[string]string{"content/catalog/demo.json": service, "notes/todo.txt": "keep me", "go.mod": "module example.com/p\n"} {
		if data, err := os.ReadFile(filepath.Join(project, filepath.FromSlash(p))); err != nil || string(data) != want {
			t.Errorf("%s after the refused builds: %q, %v", p, data, err)
		}
	}
	// A previous build is replaced.
	out := filepath.Join(project, "public")
	for range 2 {
		if err := run(context.Background(), []string{"-content", content, "-out", out, "-search=false", "-policy-engine=false"}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRunMissingContent: -content naming no directory is an error, not an
// empty five-page site built over the old one.
func TestRunMissingContent(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	err := run(context.Background(), []string{"-content", filepath.Join(dir, "nonexistent"), "-out", out, "-search=false", "-policy-engine=false"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "-content "+filepath.Join(dir, "nonexistent")+": no such directory") {
		t.Errorf("-content /nonexistent: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the failed build made %s", out)
	}
}

// TestServeBuildsApart: the preview's pages, which load the reload script,
// are never built into -out, which a deploy publishes.
func TestServeBuildsApart(t *testing.T) {
	content := writeContent(t, map[string]string{"catalog/demo.json": service, "catalog/snapshot.yaml": "date: \"2026-06-14\"\n"})
	err := run(context.Background(), []string{"-content", content, "-out", "public", "-serve", "127.0.0.1:0", "-search=false", "-policy-engine=false"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "-serve builds into "+PreviewDir) {
		t.Errorf("-serve with -out: %v", err)
	}
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-content", content, "-serve", "127.0.0.1:0", "-search=false", "-policy-engine=false"}, &bytes.Buffer{}, &stderr)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(stderr.String(), "serving ") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("-serve: %v\n%s", err, stderr.String())
	}
	page, err := os.ReadFile(filepath.Join(PreviewDir, "demo", "GetThing", "index.html"))
	if err != nil || !bytes.Contains(page, []byte("/js/reload.")) {
		t.Errorf("the preview's page in %s: %v", PreviewDir, err)
	}
	if _, err := os.Stat("public"); !os.IsNotExist(err) {
		t.Errorf("-serve wrote public/: %v", err)
	}
}

// TestRunEditorFilesBesideTemplates: -templates and -static directories
// being edited hold an editor's files (vim's swap files, emacs's lock
// links and backups, .DS_Store): they are no template and no asset, and
// never reach the site.
func TestRunEditorFilesBesideTemplates(t *testing.T) {
	content := writeContent(t, map[string]string{"catalog/demo.json": service, "catalog/snapshot.yaml": "date: \"2026-06-14\"\n"})
	tmpl, static := t.TempDir(), t.TempDir()
	if err := os.CopyFS(tmpl, templates.FS); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(static, staticfs.FS); err != nil {
		t.Fatal(err)
	}
	for dir, names := range map[string][]string{
		tmpl:   {".action.tmpl.swp", "action.tmpl~", "#base.tmpl#", "partials/.head.tmpl.swp", ".DS_Store"},
		static: {"css/.site.css.swp", "css/site.css~", "js/#site.js#", ".DS_Store"},
	} {
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(n)), []byte("b0VIM 9.0\x00\xff {{ broken"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// emacs's lock: a link to nowhere.
	if err := os.Symlink("user@host.1234:1700000000", filepath.Join(tmpl, ".#action.tmpl")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-content", content, "-out", out, "-templates", tmpl, "-static", static, "-search=false", "-policy-engine=false"}, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	_ = filepath.WalkDir(filepath.Join(out, "static"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.Contains(p, "swp") || strings.Contains(p, "~") || strings.Contains(p, "#") || strings.Contains(p, "DS_Store")) {
			t.Errorf("an editor's file reached the site: %s", p)
		}
		return err
	})
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
