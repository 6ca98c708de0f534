package site

import (
	"bytes"
	"fmt"
	"html/template"
	"sync"
)

// Fragments are small partials that many pages of the same depth render
// the same way: the link to an action in a policy's list of allowed
// actions, the row of an action in a resource type's table, the link to a
// condition key. A page that names 2,000 actions would otherwise evaluate
// a dozen template actions for each of them, on each of the pages that
// name it. A fragment is rendered by html/template once per directory
// depth and datum, like the chrome (chrome.go), and reused as
// template.HTML: the same bytes, escaped by the same template.
//
// A fragment template receives a Fragment: a stand-in page of the same
// depth, for its Rel, and the datum as X. It must depend on nothing else,
// and the stand-in makes sure it cannot: its path is no real page's, so
// even a link to the calling page is written out in full.
type Fragment struct {
	*Base
	X any
}

// fragmentCache holds the rendered fragments of one build: a table per
// directory depth, which a page finds once and keeps.
type fragmentCache struct {
	tmpl   *template.Template // the parsed base set, with the partials
	depths onceMap[string, *fragmentDepth]
}

// fragmentDepth holds the fragments of one depth ("../../", or "abs" for
// pages with site-absolute links) and the stand-in page they render on.
// A plain map behind a read-write lock: lookups outnumber renderings
// four to one, and a sync.Map hashing interface keys cost more.
type fragmentDepth struct {
	stand *Base
	mu    sync.RWMutex
	parts map[fragmentKey]template.HTML
}

type fragmentKey struct {
	name string
	x    any // comparable: a pointer or a string
}

func newFragmentCache(ts *templateSet) *fragmentCache {
	return &fragmentCache{tmpl: ts.base}
}

// depth is the table of the page's depth.
func (c *fragmentCache) depth(b *Base) *fragmentDepth {
	d, _ := c.depths.get(b.depthKey(), func() (*fragmentDepth, error) {
		d := &fragmentDepth{stand: b.standIn(), parts: map[fragmentKey]template.HTML{}}
		// Set before the table is shared: fragments call Fragment on the
		// stand-in from every worker.
		d.stand.frags = d
		return d, nil
	})
	return d
}

// Fragment is the named fragment template rendered for x at this page's
// depth. x must be comparable (a pointer or a string): it is the cache key.
func (b *Base) Fragment(name string, x any) (template.HTML, error) {
	d := b.frags
	if d == nil {
		d = b.Site.fragments.depth(b)
		b.frags = d // a page renders on one worker
	}
	key := fragmentKey{name, x}
	d.mu.RLock()
	h, ok := d.parts[key]
	d.mu.RUnlock()
	if ok {
		return h, nil
	}
	var buf bytes.Buffer
	if err := b.Site.fragments.tmpl.ExecuteTemplate(&buf, name, Fragment{Base: d.stand, X: x}); err != nil {
		return "", fmt.Errorf("fragment %s: %w", name, err)
	}
	h = template.HTML(buf.String())
	d.mu.Lock()
	d.parts[key] = h
	d.mu.Unlock()
	return h, nil
}
