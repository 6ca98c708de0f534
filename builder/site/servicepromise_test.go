package site

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/output"
	"github.com/iamref/iamref/builder/redirects"
	"github.com/iamref/iamref/internal/sitetest"
)

// promiseSnapshots are historySnapshots with a guide and two managed
// policies for the services, so that each has a matrix, guides and a
// comparison of policies: the URLs a service has besides its own pages.
func promiseSnapshots(t *testing.T) []fstest.MapFS {
	snaps := historySnapshots()
	guide := func(title string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\n---\nHow it works.\n")}
	}
	policy := func(name, actions string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`{"PolicyName": "` + name + `", "Arn": "arn:aws:iam::aws:policy/` + name + `", "DefaultVersionId": "v1", "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [` + actions + `], "Resource": "*"}]}}`)}
	}
	for i, s := range snaps {
		s["policies/ServicesFullAccess.json"] = policy("ServicesFullAccess", `"gone:*", "fresh:*", "steady:*"`)
		s["policies/ServicesReadOnly.json"] = policy("ServicesReadOnly", `"gone:Ping", "fresh:St*", "steady:Look"`)
		// Only gone's matrix leads with these two: their comparison.
		s["policies/GoneAdmin.json"] = policy("GoneAdmin", `"gone:*"`)
		s["policies/GoneViewer.json"] = policy("GoneViewer", `"gone:Ping"`)
		s["guides/steady/intro.md"] = guide("Steady")
		if i < 2 {
			s["guides/gone/intro.md"] = guide("Gone")
		} else {
			s["guides/fresh/intro.md"] = guide("Fresh")
		}
	}
	return snaps
}

// publishedOf is the site's published URLs, as -update-urls records them.
func publishedOf(t *testing.T, out string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			files = append(files, "/"+filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return publishedURLs(files)
}

// keepsPromise checks that every URL of manifest is served by the site in
// out: a page or file, or a redirect (as Netlify and the preview match
// them) to one.
func keepsPromise(t *testing.T, out string, manifest []string) {
	t.Helper()
	table := redirects.NewTable(redirects.Parse([]byte(sitetest.ReadFile(t, out, "_redirects"))))
	exists := func(p string) bool {
		fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(output.FilePath(p))))
		return err == nil && !fi.IsDir()
	}
	for _, u := range manifest {
		if exists(u) {
			continue
		}
		r, ok := table.Match(u)
		if !ok || !exists(strings.SplitN(r.To, "#", 2)[0]) {
			t.Errorf("%s: no page and no redirect to one (rule %+v)", u, r)
		}
	}
}

// TestRemovedServiceKeepsItsURLs: a service retired the documented way
// (cmd/snapshot -add without it) keeps every URL it had, its matrix, its
// guides, its JSON and its comparisons among them, through generated
// redirects and tombstones; nobody edits urls.txt.
func TestRemovedServiceKeepsItsURLs(t *testing.T) {
	t.Parallel()
	snaps := promiseSnapshots(t)
	before := historyContent(t, snaps[:2])
	outB, _ := buildSite(t, before)
	manifest := publishedOf(t, outB)
	for _, u := range []string{"/gone/", "/gone/Ping/", "/gone/matrix/", "/gone/guides/intro/", "/gone/changes/", "/api/catalog/gone.json", "/policies/compare/GoneAdmin/GoneViewer/"} {
		if !contains(manifest, u) {
			t.Fatalf("the site before the removal lacks %s", u)
		}
	}
	after := historyContent(t, snaps)
	after[URLManifest] = &fstest.MapFile{Data: []byte(strings.Join(manifest, "\n") + "\n")}
	out, _ := buildSite(t, after)
	keepsPromise(t, out, manifest)
	sitetest.Contains(t, "api/catalog/gone.json", sitetest.ReadFile(t, out, "api/catalog/gone.json"),
		`"schema": "iamref.catalog.v1"`, `"prefix": "gone"`, `"url": "/gone/"`, `"id": "gone:Ping"`, `"since": "2026-06-14"`, `"last": "2025-06-01"`, `! "successor"`)
	// The comparison no matrix leads with any more is still made.
	sitetest.Contains(t, "policies/compare/GoneAdmin/GoneViewer/index.html", sitetest.ReadFile(t, out, "policies/compare/GoneAdmin/GoneViewer/index.html"), "GoneAdmin", "GoneViewer")
	sitetest.Contains(t, "_redirects", sitetest.ReadFile(t, out, "_redirects"), "\n/gone/* /gone/\n")
}

// TestRenamedServiceKeepsItsURLs: a prefix AWS renames (one snapshot
// removes it and adds one of the same name) keeps its URLs: what the new
// prefix has too redirects there, the rest to the tombstone, which names
// the new prefix, as its JSON does.
func TestRenamedServiceKeepsItsURLs(t *testing.T) {
	t.Parallel()
	snaps := promiseSnapshots(t)
	outC, _ := buildSite(t, historyContent(t, snaps))
	manifest := publishedOf(t, outC)
	for _, u := range []string{"/fresh/", "/fresh/Start/", "/fresh/matrix/", "/fresh/guides/intro/", "/api/catalog/fresh.json"} {
		if !contains(manifest, u) {
			t.Fatalf("the site before the rename lacks %s", u)
		}
	}
	d := fstest.MapFS{}
	for p, f := range snaps[2] {
		d[p] = f
	}
	delete(d, "catalog/fresh.json")
	delete(d, "guides/fresh/intro.md")
	d["catalog/freshly.json"] = &fstest.MapFile{Data: []byte(svcJSON("freshly", "Fresh", priv("Start", "Grants permission to start", "Write", ""), "", ""))}
	d["guides/freshly/intro.md"] = snaps[2]["guides/fresh/intro.md"]
	d["policies/ServicesFullAccess.json"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(d["policies/ServicesFullAccess.json"].Data), "fresh:", "freshly:"))}
	d["policies/ServicesReadOnly.json"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(d["policies/ServicesReadOnly.json"].Data), "fresh:", "freshly:"))}
	d["catalog/snapshot.yaml"] = &fstest.MapFile{Data: []byte("date: \"2026-07-01\"\nsource: test D\n")}
	after := historyContent(t, append(snaps, d))
	after[URLManifest] = &fstest.MapFile{Data: []byte(strings.Join(manifest, "\n") + "\n")}
	out, _ := buildSite(t, after)
	keepsPromise(t, out, manifest)
	rules := sitetest.ReadFile(t, out, "_redirects")
	sitetest.Contains(t, "_redirects", rules, "\n/fresh/guides/intro /freshly/guides/intro/\n", "\n/fresh/matrix /freshly/matrix/\n", "\n/fresh/* /fresh/\n")
	sitetest.Contains(t, "fresh/index.html", sitetest.ReadFile(t, out, "fresh/index.html"), `AWS renamed the service: it is now <a href="../freshly/"><code>freshly</code></a>.`)
	sitetest.Contains(t, "fresh/Start/index.html", sitetest.ReadFile(t, out, "fresh/Start/index.html"), `it is now <a href="../../freshly/Start/"><code>freshly:Start</code></a>.`)
	sitetest.Contains(t, "api/catalog/fresh.json", sitetest.ReadFile(t, out, "api/catalog/fresh.json"), `"successor": "/api/catalog/freshly.json"`)
}

// TestLostComparison: a published comparison of a policy that no longer
// exists redirects to the policy that is left.
func TestLostComparison(t *testing.T) {
	t.Parallel()
	content := historyContent(t, promiseSnapshots(t))
	content[URLManifest] = &fstest.MapFile{Data: []byte("/policies/compare/GoneAdmin/ZzzRetired/\n/policies/compare/Aaa/Zzz/\n")}
	out, _ := buildSite(t, content)
	sitetest.Contains(t, "_redirects", sitetest.ReadFile(t, out, "_redirects"),
		"\n/policies/compare/GoneAdmin/ZzzRetired /policies/GoneAdmin/\n", "\n/policies/compare/Aaa/Zzz /policies/\n")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
