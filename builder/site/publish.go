package site

import (
	"fmt"
	"strings"
	"time"
)

// publish is the finish phase of a build, after rendering and before the
// output is swapped in: it writes the host files (_redirects, sitemap,
// robots.txt), checks every internal link, and holds the build to the URL
// manifest. Any failure fails the build.
func (b *builder) publish() error {
	exists := func(sitePath string) bool { return b.out.has("/" + filePath(sitePath)) }
	rules := b.redirects(exists)
	host := map[string][]byte{"/_redirects": formatRedirects(rules), "/robots.txt": robots(b.cfg.BaseURL)}
	for p, data := range sitemaps(b.cfg.BaseURL, b.cat.Snapshot.Date, b.sitemapPaths()) {
		host[p] = data
	}
	for p, data := range host {
		if err := b.out.write(p, data); err != nil {
			return err
		}
	}
	files := b.out.paths()
	rep, err := checkLinks(b.out.dir, files, &b.out.links)
	if err != nil {
		return err
	}
	b.publishNote("checked %s links in %s pages in %s", commas(rep.Links), commas(rep.Pages), rep.Duration.Round(time.Millisecond))
	manifest, ok, err := readURLManifest(b.cfg.Content)
	if err != nil {
		return err
	}
	if !ok {
		return nil
	}
	added, err := checkURLs(manifest, publishedURLs(files), newRedirectTable(rules), exists)
	if err != nil {
		return err
	}
	if len(added) > 0 {
		b.publishNote("%s new URLs are not in content/%s yet (first: %s); record them with go run ./cmd/build -update-urls", commas(len(added)), URLManifest, strings.Join(added[:min(3, len(added))], " "))
	}
	return nil
}

func (b *builder) publishNote(format string, args ...any) {
	if b.cfg.Progress != nil {
		fmt.Fprintf(b.cfg.Progress, format+"\n", args...)
	}
}
