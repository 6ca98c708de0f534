package site

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/iamref/iamref/internal/oncemap"
)

// Chrome is the part of every page that depends only on where the page
// sits in the tree: the stylesheet and script links of the head, and the
// header with the search form and the section links. base.tmpl renders it
// from the "chrome-head", "chrome-header" and "chrome-footer" templates once per directory
// depth and reuses the result for every page of that depth, as Hugo's
// partialCached does: the same template output, without re-evaluating a
// few dozen template actions on each of 30,000 pages.
type Chrome struct {
	Head, Header, Footer template.HTML
}

// chromeCache holds the rendered Chrome per root prefix ("../../").
type chromeCache struct {
	tmpl  *template.Template // the parsed base set, with the chrome templates
	parts oncemap.Map[string, *Chrome]
}

// Chrome is the page's head links and header.
func (b *Base) Chrome() (*Chrome, error) {
	c := b.Site.chrome
	return c.parts.Get(b.depthKey(), func() (*Chrome, error) {
		// The chrome templates must not depend on anything but the
		// depth, and a stand-in page makes sure they cannot.
		stand := b.standIn()
		var parts [3]template.HTML
		for i, name := range []string{"chrome-head", "chrome-header", "chrome-footer"} {
			var buf bytes.Buffer
			if err := c.tmpl.ExecuteTemplate(&buf, name, stand); err != nil {
				return nil, err
			}
			parts[i] = template.HTML(buf.String())
		}
		return &Chrome{Head: parts[0], Header: parts[1], Footer: parts[2]}, nil
	})
}

// depthKey names what the chrome and fragments of the page depend on: its
// root prefix ("../../"), or "abs" when its links are site-absolute.
func (b *Base) depthKey() string {
	if b.Absolute {
		return "abs"
	}
	if b.root == "" {
		b.root = rootPrefix(b.Path)
	}
	return b.root
}

// standIn is a page of the same depth with no other property of the page:
// its path is no real page's, so even a link to the page itself is written
// out in full.
func (b *Base) standIn() *Base {
	depth := strings.Count(b.Path, "/") - 1
	if depth < 0 {
		depth = 0
	}
	s := &Base{Path: "/" + strings.Repeat("_/", depth), Site: b.Site, Absolute: b.Absolute}
	s.root = rootPrefix(s.Path)
	return s
}

func newChromeCache(ts *templateSet) *chromeCache {
	return &chromeCache{tmpl: ts.base}
}
