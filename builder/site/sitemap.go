package site

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// sitemapLimit is the most URLs one sitemap file may list (sitemaps.org);
// past it the URLs are split over sitemap-N.xml files and sitemap.xml
// becomes a sitemap index.
var sitemapLimit = 50000

// sitemapPaths lists the pages search engines should index, in job order:
// every HTML page with a directory path that is not marked NoIndex.
func (b *builder) sitemapPaths() []string {
	var ps []string
	for _, j := range b.jobs {
		if j.kind == noKind {
			continue
		}
		if j.noIndex || !strings.HasSuffix(j.path, "/") {
			continue
		}
		ps = append(ps, j.path)
	}
	return ps
}

// sitemaps returns the sitemap files (site path → content). Sitemaps need
// absolute URLs, so there are none without a base URL.
func sitemaps(baseURL, lastmod string, paths []string) map[string][]byte {
	if baseURL == "" {
		return nil
	}
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	urlset := func(ps []string) []byte {
		var b bytes.Buffer
		b.WriteString(xml.Header + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
		for _, p := range ps {
			b.WriteString("<url><loc>" + esc(baseURL+p) + "</loc>")
			if lastmod != "" {
				b.WriteString("<lastmod>" + esc(lastmod) + "</lastmod>")
			}
			b.WriteString("</url>\n")
		}
		b.WriteString("</urlset>\n")
		return b.Bytes()
	}
	if len(paths) <= sitemapLimit {
		return map[string][]byte{"/sitemap.xml": urlset(paths)}
	}
	files := map[string][]byte{}
	var index bytes.Buffer
	index.WriteString(xml.Header + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for i, n := 0, 1; i < len(paths); i, n = i+sitemapLimit, n+1 {
		name := fmt.Sprintf("/sitemap-%d.xml", n)
		files[name] = urlset(paths[i:min(i+sitemapLimit, len(paths))])
		index.WriteString("<sitemap><loc>" + esc(baseURL+name) + "</loc></sitemap>\n")
	}
	index.WriteString("</sitemapindex>\n")
	files["/sitemap.xml"] = index.Bytes()
	return files
}

// robots allows everything and names the sitemap when there is one.
func robots(baseURL string) []byte {
	s := "User-agent: *\nAllow: /\n"
	if baseURL != "" {
		s += "\nSitemap: " + baseURL + "/sitemap.xml\n"
	}
	return []byte(s)
}
