package site

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/redirects"
)

// URLs are a promise. content/urls.txt lists every URL the site has ever
// published, sorted, one site path a line. A build fails, naming them, when
// a URL of the manifest would no longer be served: it must stay a page, or
// be covered by a redirect to a page, or by a tombstone page (which is a
// page like any other). New URLs are added to the manifest only on request
// (go run ./cmd/build -update-urls); a normal build says how many are new.
// URLs are never dropped from the manifest by the build: removing one is a
// deliberate edit of the file.
//
// A published URL is a page (a directory path: /s3/PutObject/) or a file
// under /api/. Hashed assets, sitemaps, robots.txt, 404.html and host
// files (_redirects) are not promises.

// URLManifest is the content file that lists published URLs.
const URLManifest = "urls.txt"

// publishedURLs turns written files (site-absolute) into published URLs, sorted.
func publishedURLs(files []string) []string {
	var urls []string
	for _, f := range files {
		switch {
		case f == "/index.html" || strings.HasSuffix(f, "/index.html"):
			urls = append(urls, strings.TrimSuffix(f, "index.html"))
		case strings.HasPrefix(f, "/api/"):
			urls = append(urls, f)
		}
	}
	sort.Strings(urls)
	return urls
}

// readURLManifest reads the manifest; ok is false when there is none.
func readURLManifest(fsys fs.FS) (urls []string, ok bool, err error) {
	data, err := fs.ReadFile(fsys, URLManifest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	// A line that is no site path can be no page's URL: the build would
	// report it missing, as if a page had been lost, without its line.
	var errs diag.List
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.HasPrefix(line, "/") || strings.ContainsFunc(line, unicode.IsSpace) || !cleanSitePath(line) {
			errs.Add(URLManifest, n, strings.Index(sc.Text(), line)+1, "%q is no site path: a line of %s is a path such as /s3/PutObject/ (or a # comment)", line, URLManifest)
			continue
		}
		urls = append(urls, line)
	}
	if err := sc.Err(); err != nil {
		return nil, true, err
	}
	return urls, true, errs.Err()
}

// cleanSitePath reports whether p, which starts with "/", has no empty,
// "." or ".." segment (a trailing "/" ends a page's path).
func cleanSitePath(p string) bool {
	segs := strings.Split(p[1:], "/")
	for i, seg := range segs {
		if seg == "." || seg == ".." || seg == "" && i < len(segs)-1 {
			return false
		}
	}
	return true
}

// MissingURLsError fails a build that would break published URLs.
type MissingURLsError struct{ URLs []string }

func (e *MissingURLsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d URLs listed in content/%s would no longer be served; keep the pages, or add a redirect or a tombstone page for each:", len(e.URLs), URLManifest)
	for i, u := range e.URLs {
		if i == 200 {
			fmt.Fprintf(&b, "\n\t… and %d more", len(e.URLs)-i)
			break
		}
		b.WriteString("\n\t" + u)
	}
	return b.String()
}

// checkURLs compares the manifest with what this build serves. It returns
// the URLs new in this build; missing ones are an error.
func checkURLs(manifest, produced []string, rules *redirects.Table, exists func(string) bool) (added []string, err error) {
	have := make(map[string]bool, len(produced))
	for _, u := range produced {
		have[u] = true
	}
	promised := make(map[string]bool, len(manifest))
	var missing []string
	for _, u := range manifest {
		promised[u] = true
		if have[u] {
			continue
		}
		if r, ok := rules.Match(u); ok && exists(strings.SplitN(r.To, "#", 2)[0]) {
			continue
		}
		missing = append(missing, u)
	}
	for _, u := range produced {
		if !promised[u] {
			added = append(added, u)
		}
	}
	if len(missing) > 0 {
		return added, &MissingURLsError{URLs: missing}
	}
	return added, nil
}

// UpdateURLManifest adds the URLs of the site built in outDir to
// contentDir/urls.txt and returns how many were added. It never removes one.
func UpdateURLManifest(contentDir, outDir string) (int, error) {
	old, _, err := readURLManifest(os.DirFS(contentDir))
	if err != nil {
		return 0, err
	}
	var files []string
	err = filepath.WalkDir(outDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(outDir, p)
		files = append(files, "/"+filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return 0, err
	}
	set := map[string]bool{}
	for _, u := range old {
		set[u] = true
	}
	added := 0
	for _, u := range publishedURLs(files) {
		if !set[u] {
			set[u] = true
			added++
		}
	}
	all := make([]string, 0, len(set))
	for u := range set {
		all = append(all, u)
	}
	sort.Strings(all)
	var buf bytes.Buffer
	for _, u := range all {
		buf.WriteString(u + "\n")
	}
	file := filepath.Join(contentDir, URLManifest)
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return 0, err
	}
	return added, os.Rename(tmp, file)
}
