package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing/fstest"
	"time"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/contentdir"
	"github.com/iamref/iamref/builder/history"
	"github.com/iamref/iamref/builder/jsonpos"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/snapshot"
)

// Options says what Update reads and where it writes.
type Options struct {
	Content string // the content directory
	// CatalogFile and PoliciesFile are local tarballs to use instead of
	// the registry. With either, Update uses no network: a package
	// without a file is left as the content has it.
	CatalogFile, PoliciesFile string
	Registry                  *Registry // nil: DefaultRegistry
	DryRun                    bool      // compute and report, write nothing
	Log                       io.Writer // progress lines; nil for none
}

// Summary is what an update did, or would do.
type Summary struct {
	Catalog      []CatalogStep // the snapshots recorded, oldest first
	CatalogNote  string        // why no snapshot was recorded, or what was left out
	Policies     *PolicyStep   // nil when the policies did not change
	PoliciesNote string
	Changes      []contentdir.Change
	DryRun       bool
}

// CatalogStep is one recorded snapshot.
type CatalogStep struct {
	Version    string
	Transition history.Transition
	Counts     Counts
}

// PolicyStep is the policies' update.
type PolicyStep struct {
	Version, Date string
	Policies      int      // in the package
	Versions      int      // in the package, all policies
	Added         []string // new to the content
	Changed       []string // a new default version or document
	NewVersions   int      // versions the content did not hold
	Reformatted   int      // the same document, written as the package writes it
	Missing       []string // no longer in the package: kept, marked
	StillMissing  int      // already marked before
}

func (o *Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

// Update brings the content up to date with the packages: it records each
// newer catalog release as the next snapshot and converts the newest
// policies release, in memory, then writes the content through a checked
// copy swapped in (contentdir.Replace). It never goes back in time: a
// release older than the content's is refused and nothing is written. Run
// again on the same releases, it changes nothing.
func Update(ctx context.Context, opts Options) (*Summary, error) {
	if opts.Registry == nil {
		opts.Registry = &Registry{}
	}
	offline := opts.CatalogFile != "" || opts.PoliciesFile != ""
	orig, err := contentdir.Read(opts.Content)
	if err != nil {
		return nil, err
	}
	if len(orig) == 0 {
		return nil, fmt.Errorf("%s holds no content", opts.Content)
	}
	tree := orig
	sum := &Summary{DryRun: opts.DryRun}

	cur, err := catalog.Load(tree)
	if err != nil {
		return nil, fmt.Errorf("loading the current catalog: %w", err)
	}
	if _, err := history.LoadChecked(tree, cur); err != nil {
		return nil, fmt.Errorf("the history does not end at the current catalog; fix that first: %w", err)
	}

	// The catalog.
	var releases []*CatalogRelease
	switch {
	case opts.CatalogFile != "":
		rel, err := readCatalogFile(opts.CatalogFile)
		if err != nil {
			return nil, err
		}
		note, err := placeRelease(cur.Snapshot, rel.Version, rel.Date, rel.Counter)
		if err != nil {
			return nil, err
		}
		if note != "" {
			sum.CatalogNote = note
		} else {
			releases = append(releases, rel)
		}
	case offline:
		sum.CatalogNote = "not asked for (only -policies was given, and then the registry is not asked)"
	default:
		rels, note, err := fetchCatalog(ctx, &opts, cur.Snapshot)
		if err != nil {
			return nil, err
		}
		releases, sum.CatalogNote = rels, note
	}
	for _, rel := range releases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out, res, err := snapshot.Record(tree, snapshot.Next{Files: rel.Files, Snapshot: rel.Snapshot})
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", CatalogPackage, rel.Version, err)
		}
		opts.logf("recorded %s %s as the snapshot of %s (%d services, %d actions)", CatalogPackage, rel.Version, rel.Date, rel.Services, rel.Actions)
		tree = out
		levels := func(id string) catalog.AccessLevel {
			if a := res.Catalog.Action(id); a != nil {
				return a.AccessLevel
			}
			return ""
		}
		sum.Catalog = append(sum.Catalog, CatalogStep{Version: rel.Version, Transition: res.Transition, Counts: CountTransition(res.Transition, levels)})
	}

	// The policies.
	recorded, err := policy.LoadSource(tree)
	if err != nil {
		return nil, err
	}
	var prel *PolicyRelease
	switch {
	case opts.PoliciesFile != "":
		data, err := os.ReadFile(opts.PoliciesFile)
		if err != nil {
			return nil, err
		}
		t, err := ReadTarball(filepath.Base(opts.PoliciesFile), data)
		if err != nil {
			return nil, err
		}
		if prel, sum.PoliciesNote, err = policyRelease(t, recorded, &opts); err != nil {
			return nil, err
		}
	case offline:
		sum.PoliciesNote = "not asked for (only -catalog was given, and then the registry is not asked)"
	default:
		if prel, sum.PoliciesNote, err = fetchPolicies(ctx, &opts, recorded); err != nil {
			return nil, err
		}
	}
	if prel != nil {
		out, step, err := mergePolicies(tree, prel)
		if err != nil {
			return nil, err
		}
		tree = out
		sum.Policies = step
	}

	sum.Changes = contentdir.Diff(orig, tree)
	if opts.DryRun || len(sum.Changes) == 0 {
		return sum, nil
	}
	if err := contentdir.Replace(opts.Content, sum.Changes, Verify); err != nil {
		return nil, err
	}
	return sum, nil
}

// Verify loads everything an update writes: the catalog with its history,
// and the managed policies.
func Verify(content fs.FS) error {
	if err := snapshot.Verify(content); err != nil {
		return err
	}
	if _, err := policy.LoadSource(content); err != nil {
		return err
	}
	_, err := policy.LoadManaged(content)
	return err
}

func readCatalogFile(file string) (*CatalogRelease, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	t, err := ReadTarball(filepath.Base(file), data)
	if err != nil {
		return nil, err
	}
	return ConvertCatalog(t)
}

// placeRelease decides what to do with a catalog release against the
// content's snapshot: record it (""), say why not (a note), or refuse it
// (an error: it is older than what is recorded).
func placeRelease(s catalog.Snapshot, version, date string, counter int) (string, error) {
	if s.Package == CatalogPackage && s.Version == version {
		return fmt.Sprintf("already at %s %s (the snapshot of %s)", CatalogPackage, version, s.Date), nil
	}
	older := fmt.Errorf("%s %s (data of %s) is older than the content's catalog, the snapshot of %s (%s): an update never goes back in time, so nothing was written", CatalogPackage, version, date, s.Date, sourceOf(s))
	switch {
	case date < s.Date:
		return "", older
	case date == s.Date:
		if s.Package == CatalogPackage {
			if _, c, ok := ReleaseDate(s.Version); ok && counter > c {
				return fmt.Sprintf("%s %s is of %s, the date of the latest snapshot (%s): the history keeps one snapshot a day, so it waits for the next day's release", CatalogPackage, version, date, s.Version), nil
			}
		}
		return "", older
	}
	return "", nil
}

func sourceOf(s catalog.Snapshot) string {
	if s.Package != "" {
		return s.Package + " " + s.Version
	}
	return s.Source
}

// fetchCatalog downloads, in date order, every release newer than the
// content's snapshot: the day's last release of each day.
func fetchCatalog(ctx context.Context, opts *Options, s catalog.Snapshot) ([]*CatalogRelease, string, error) {
	all, err := opts.Registry.Versions(ctx, CatalogPackage)
	if err != nil {
		return nil, "", err
	}
	byDate := map[string]PackageVersion{}
	counters := map[string]int{}
	var notes, undated []string
	for _, pv := range all {
		date, counter, ok := ReleaseDate(pv.Version)
		if !ok {
			undated = append(undated, pv.Version)
			continue
		}
		note, err := placeRelease(s, pv.Version, date, counter)
		if err != nil || note != "" {
			if note != "" && !strings.HasPrefix(note, "already") {
				notes = append(notes, note)
			}
			continue // older, or not to be recorded
		}
		if prev, ok := byDate[date]; !ok || counter > counters[date] {
			if ok {
				notes = append(notes, fmt.Sprintf("%s %s left out: %s is the last release of %s", CatalogPackage, prev.Version, pv.Version, date))
			}
			byDate[date], counters[date] = pv, counter
		} else {
			notes = append(notes, fmt.Sprintf("%s %s left out: %s is the last release of %s", CatalogPackage, pv.Version, prev.Version, date))
		}
	}
	if len(undated) > 0 {
		sort.Strings(undated)
		notes = append(notes, fmt.Sprintf("versions without a date left out: %s", strings.Join(undated, ", ")))
	}
	dates := make([]string, 0, len(byDate))
	for d := range byDate {
		dates = append(dates, d)
	}
	sort.Strings(dates)
	var out []*CatalogRelease
	for _, d := range dates {
		pv := byDate[d]
		data, err := download(ctx, opts, pv)
		if err != nil {
			return nil, "", err
		}
		t, err := ReadTarball(path.Base(pv.Tarball), data)
		if err != nil {
			return nil, "", fmt.Errorf("%s %s: %w", pv.Name, pv.Version, err)
		}
		if t.Package != pv.Name || t.Version != pv.Version {
			return nil, "", fmt.Errorf("%s %s: the tarball %s holds %s %s", pv.Name, pv.Version, pv.Tarball, t.Package, t.Version)
		}
		rel, err := ConvertCatalog(t)
		if err != nil {
			return nil, "", err
		}
		out = append(out, rel)
	}
	sort.Strings(notes)
	note := strings.Join(notes, "; ")
	if len(out) == 0 {
		note = strings.TrimPrefix(strings.Join(append([]string{fmt.Sprintf("no release newer than the snapshot of %s (%s)", s.Date, sourceOf(s))}, notes...), "; "), "; ")
	}
	return out, note, nil
}

// download fetches a tarball, saying how long it took.
func download(ctx context.Context, opts *Options, pv PackageVersion) ([]byte, error) {
	start := time.Now()
	data, err := opts.Registry.Download(ctx, pv)
	if err == nil {
		opts.logf("downloaded %s %s (%.1f MB, integrity checked) in %s", pv.Name, pv.Version, float64(len(data))/1e6, time.Since(start).Round(time.Millisecond))
	}
	return data, err
}

// semver compares dotted numeric versions: -1, 0 or 1; ok is false when
// either is not numbers and dots.
func semver(a, b string) (int, bool) {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		var err error
		if i < len(pa) {
			if x, err = strconv.Atoi(pa[i]); err != nil {
				return 0, false
			}
		}
		if i < len(pb) {
			if y, err = strconv.Atoi(pb[i]); err != nil {
				return 0, false
			}
		}
		if x != y {
			if x < y {
				return -1, true
			}
			return 1, true
		}
	}
	return 0, true
}

// policyRelease converts a policies tarball unless the content already
// has that release; an older one is refused.
func policyRelease(t *Tarball, recorded *policy.Source, opts *Options) (*PolicyRelease, string, error) {
	if t.Package != PoliciesPackage {
		return nil, "", fmt.Errorf("%s: package.json names %q, not %s", t.Name, t.Package, PoliciesPackage)
	}
	if recorded != nil {
		c, ok := semver(t.Version, recorded.Version)
		switch {
		case !ok:
			return nil, "", fmt.Errorf("%s: version %q or the content's %q is not numbers and dots", t.Name, t.Version, recorded.Version)
		case c < 0:
			return nil, "", fmt.Errorf("%s %s is older than the content's policies (%s %s, data of %s): an update never goes back in time, so nothing was written", PoliciesPackage, t.Version, recorded.Package, recorded.Version, recorded.Date)
		case c == 0 && t.Integrity != recorded.Integrity:
			return nil, "", fmt.Errorf("%s %s: the tarball's sha512 is %s, but the content was made from a tarball of the same version with %s", PoliciesPackage, t.Version, t.Integrity, recorded.Integrity)
		case c == 0:
			return nil, fmt.Sprintf("already at %s %s (data of %s)", PoliciesPackage, t.Version, recorded.Date), nil
		}
	}
	opts.logf("converting %s %s", t.Package, t.Version)
	rel, err := ConvertPolicies(t)
	return rel, "", err
}

// fetchPolicies downloads the newest release of the policies package
// unless the content has it.
func fetchPolicies(ctx context.Context, opts *Options, recorded *policy.Source) (*PolicyRelease, string, error) {
	all, err := opts.Registry.Versions(ctx, PoliciesPackage)
	if err != nil {
		return nil, "", err
	}
	var newest PackageVersion
	for _, pv := range all {
		if _, ok := semver(pv.Version, "0"); !ok {
			continue // not a release (1.0.0-beta)
		}
		if c, _ := semver(pv.Version, newest.Version+"0"); newest.Version == "" || c > 0 {
			newest = pv
		}
	}
	if newest.Version == "" {
		return nil, "", fmt.Errorf("%s: the registry lists no version of numbers and dots", PoliciesPackage)
	}
	if recorded != nil {
		if c, ok := semver(newest.Version, recorded.Version); ok && c == 0 && newest.Integrity == recorded.Integrity {
			return nil, fmt.Sprintf("already at %s %s (data of %s)", PoliciesPackage, newest.Version, recorded.Date), nil
		}
	}
	data, err := download(ctx, opts, newest)
	if err != nil {
		return nil, "", err
	}
	t, err := ReadTarball(path.Base(newest.Tarball), data)
	if err != nil {
		return nil, "", fmt.Errorf("%s %s: %w", newest.Name, newest.Version, err)
	}
	if t.Version != newest.Version {
		return nil, "", fmt.Errorf("%s %s: the tarball %s holds version %s", newest.Name, newest.Version, newest.Tarball, t.Version)
	}
	return policyRelease(t, recorded, opts)
}

// sameDocument reports whether two policy documents say the same: members
// in any order, and a single value the same as a list of just it (as IAM
// reads Action, Resource, condition values and Statement itself).
func sameDocument(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(unwrapSingles(x), unwrapSingles(y))
}

func unwrapSingles(v any) any {
	switch t := v.(type) {
	case []any:
		if len(t) == 1 {
			return unwrapSingles(t[0])
		}
		for i := range t {
			t[i] = unwrapSingles(t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = unwrapSingles(t[k])
		}
	}
	return v
}

// mergePolicies puts a policies release into the content: the package's
// policies replace the content's, and a policy of the content the package
// lacks stays as last known, marked MissingFrom (nothing is dropped).
func mergePolicies(tree fstest.MapFS, rel *PolicyRelease) (fstest.MapFS, *PolicyStep, error) {
	curPolicies, err := policy.LoadManaged(tree)
	if err != nil {
		return nil, nil, fmt.Errorf("loading the content's managed policies: %w", err)
	}
	step := &PolicyStep{Version: rel.Version, Date: rel.Date, Policies: len(rel.Policies), Versions: rel.Versions}
	out := fstest.MapFS{}
	for p, f := range tree {
		out[p] = f
	}
	cur := map[string]*policy.ManagedPolicy{}
	for _, mp := range curPolicies {
		cur[mp.Name] = mp
	}
	for name, mp := range rel.Policies {
		old := cur[name]
		if old != nil && old.File != mp.File {
			delete(out, old.File) // the same name in a file named otherwise
		}
		out[mp.File] = &fstest.MapFile{Data: rel.Files[mp.File], Mode: 0o644}
		if old == nil {
			step.Added = append(step.Added, name)
			step.NewVersions += len(mp.Versions)
			continue
		}
		switch {
		case old.Version != mp.Version || !sameDocument(old.Document, mp.Document):
			step.Changed = append(step.Changed, name)
		case !bytes.Equal(old.Document, mp.Document):
			step.Reformatted++
		}
		had := map[string]bool{}
		for _, v := range old.Versions {
			had[v.ID] = true
		}
		for _, v := range mp.Versions {
			if !had[v.ID] {
				step.NewVersions++
			}
		}
	}
	for name, old := range cur {
		if rel.Policies[name] != nil {
			continue
		}
		if old.MissingFrom != nil {
			step.StillMissing++
			continue
		}
		doc, err := jsonpos.Parse(old.Document)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", old.File, err)
		}
		marked := *old
		marked.MissingFrom = &policy.PackageRef{Package: PoliciesPackage, Version: rel.Version}
		out[old.File] = &fstest.MapFile{Data: EncodePolicy(&marked, doc), Mode: 0o644}
		step.Missing = append(step.Missing, name)
	}
	out[policy.SourceFile] = &fstest.MapFile{Data: policy.EncodeSource(policy.Source{Package: PoliciesPackage, Version: rel.Version, Integrity: rel.Integrity, Date: rel.Date}), Mode: 0o644}
	sort.Strings(step.Added)
	sort.Strings(step.Changed)
	sort.Strings(step.Missing)
	if _, err := policy.LoadManaged(out); err != nil {
		return nil, nil, fmt.Errorf("the converted policies do not load: %w", err)
	}
	return out, step, nil
}
