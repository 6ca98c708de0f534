package site

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/iamref/iamref/builder/linkcheck"
	"github.com/iamref/iamref/builder/output"
	"github.com/iamref/iamref/builder/redirects"
)

// publish is the finish phase of a build, after rendering and before the
// output is swapped in: it writes the host files (_redirects, sitemap,
// robots.txt), checks every internal link, and holds the build to the URL
// manifest. Any failure fails the build.
func (b *builder) publish() error {
	exists := func(sitePath string) bool { return b.out.Has("/" + output.FilePath(sitePath)) }
	// The redirects are worked out while the links are checked: both only
	// read what the render wrote, and no page links to the host files.
	var rules []redirects.Rule
	done := make(chan struct{})
	go func() {
		defer close(done)
		rules = b.aliases(exists)
	}()
	host := map[string][]byte{"/_redirects": nil, "/robots.txt": robots(b.cfg.BaseURL)}
	for p, data := range sitemaps(b.cfg.BaseURL, b.cat.Snapshot.Date, b.sitemapPaths()) {
		host[p] = data
	}
	files := b.out.Paths()
	for p := range host {
		files = append(files, p)
	}
	sort.Strings(files)
	rep, err := linkcheck.Check(b.out.Path(), files, b.links)
	<-done
	if err != nil {
		return err
	}
	host["/_redirects"] = redirects.Format(rules)
	for _, p := range slices.Sorted(maps.Keys(host)) {
		if err := b.out.Write(p, host[p]); err != nil {
			return err
		}
	}
	b.publishNote("checked %s links in %s pages in %s", commas(rep.Links), commas(rep.Pages), rep.Duration.Round(time.Millisecond))
	if !b.hasManifest {
		return nil
	}
	added, err := checkURLs(b.manifest, publishedURLs(files), redirects.NewTable(rules), exists)
	if err != nil {
		return err
	}
	if len(added) > 0 {
		b.publishNote("%s new URLs are not in content/%s yet (first: %s); record them with go run ./cmd/build -update-urls", commas(len(added)), URLManifest, strings.Join(added[:min(3, len(added))], " "))
	}
	return nil
}

// checkLinks checks the links of the site, as publish does, for a build
// that rendered some of its pages again and left the site's set of files
// as it was (the host files need not change): with the session's link
// index, which retains what the last check resolved, only the pages
// rendered again and the links into them (linkcheck.CheckAgain).
func (b *builder) checkLinks() error {
	var rep linkcheck.Report
	var err error
	if u, ok := b.out.(*output.Update); ok {
		rep, err = linkcheck.CheckAgain(b.out.Path(), u.Added(), b.links)
	} else {
		rep, err = linkcheck.Check(b.out.Path(), b.out.Paths(), b.links)
	}
	if err != nil {
		return err
	}
	b.publishNote("checked %s links in %s pages in %s", commas(rep.Links), commas(rep.Pages), rep.Duration.Round(time.Millisecond))
	return nil
}

func (b *builder) publishNote(format string, args ...any) {
	if b.cfg.Progress != nil {
		fmt.Fprintf(b.cfg.Progress, format+"\n", args...)
	}
}
