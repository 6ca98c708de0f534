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

// fragmentCache holds the rendered fragments of one build.
type fragmentCache struct {
	tmpl   *template.Template // the parsed base set, with the partials
	stands sync.Map           // root prefix → *Base, the stand-in page of that depth
	parts  sync.Map           // fragmentKey → template.HTML
}

type fragmentKey struct {
	name string
	root string // "../../", or "abs" for pages with site-absolute links
	x    any    // comparable: a pointer or a string
}

func newFragmentCache(ts *templateSet) *fragmentCache {
	return &fragmentCache{tmpl: ts.base}
}

// Fragment is the named fragment template rendered for x at this page's
// depth. x must be comparable (a pointer or a string): it is the cache key.
func (b *Base) Fragment(name string, x any) (template.HTML, error) {
	root := b.depthKey()
	c := b.Site.fragments
	key := fragmentKey{name, root, x}
	if h, ok := c.parts.Load(key); ok {
		return h.(template.HTML), nil
	}
	var stand *Base
	if s, ok := c.stands.Load(root); ok {
		stand = s.(*Base)
	} else {
		stand = b.standIn()
		if s, loaded := c.stands.LoadOrStore(root, stand); loaded {
			stand = s.(*Base)
		}
	}
	var buf bytes.Buffer
	if err := c.tmpl.ExecuteTemplate(&buf, name, Fragment{Base: stand, X: x}); err != nil {
		return "", fmt.Errorf("fragment %s: %w", name, err)
	}
	h := template.HTML(buf.String())
	c.parts.Store(key, h)
	return h, nil
}
