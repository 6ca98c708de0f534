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
	"testing"
	"time"

	"github.com/iamref/iamref/builder/site"
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
