package site

import (
	"fmt"
	"html/template"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/internal/oncemap"
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

// With is the page and the datum x in the shape of a Fragment, for a
// partial that renders on its page as well as a fragment
// ("action-history").
func (b *Base) With(x any) Fragment { return Fragment{Base: b, X: x} }

// fragmentCache holds the rendered fragments of one build: a table per
// directory depth, which a page finds once and keeps.
type fragmentCache struct {
	tmpl   *template.Template // the parsed base set, with the partials
	depths oncemap.Map[string, *fragmentDepth]
}

// fragmentDepth holds the fragments of one depth ("../../", or "abs" for
// pages with site-absolute links) and the stand-in page they render on.
// Lookups outnumber renderings four to one and run on every core, so they
// read an immutable snapshot without taking a lock, whose counter would
// bounce between the cores (text/template's own read lock, shared by two
// workers, cost 0.3 CPU-s a build: see templateSet.clone); fragments
// rendered since the snapshot wait in fresh, behind a mutex, until there
// are enough of them to be worth a new snapshot.
type fragmentDepth struct {
	stand *Base
	done  atomic.Pointer[map[fragmentKey]template.HTML]
	mu    sync.Mutex
	fresh map[fragmentKey]template.HTML
}

func (d *fragmentDepth) lookup(key fragmentKey) (template.HTML, bool) {
	if m := d.done.Load(); m != nil {
		if h, ok := (*m)[key]; ok {
			return h, true
		}
	}
	d.mu.Lock()
	h, ok := d.fresh[key]
	d.mu.Unlock()
	return h, ok
}

func (d *fragmentDepth) store(key fragmentKey, h template.HTML) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fresh[key] = h
	n := 0
	old := d.done.Load()
	if old != nil {
		n = len(*old)
	}
	// A new snapshot once fresh holds an eighth of the old one: copying
	// costs at most nine times the entries over the build.
	if len(d.fresh) < 64 || len(d.fresh) < n/8 {
		return
	}
	m := make(map[fragmentKey]template.HTML, n+len(d.fresh))
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	for k, v := range d.fresh {
		m[k] = v
	}
	d.done.Store(&m)
	d.fresh = map[fragmentKey]template.HTML{}
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
	d, _ := c.depths.Get(b.depthKey(), func() (*fragmentDepth, error) {
		d := &fragmentDepth{stand: b.standIn(), fresh: map[fragmentKey]template.HTML{}}
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
	if h, ok := d.lookup(key); ok {
		return h, nil
	}
	// Written into a strings.Builder, whose String is the bytes written,
	// not a copy of them.
	var buf strings.Builder
	if err := b.Site.fragments.tmpl.ExecuteTemplate(&buf, name, Fragment{Base: d.stand, X: x}); err != nil {
		return "", fmt.Errorf("fragment %s: %w", name, err)
	}
	h := template.HTML(buf.String())
	d.store(key, h)
	return h, nil
}

// Fragments is the named fragment for each of xs, a list of actions, of
// strings or of matrix cells (nil ones included), one after the other: one
// template call for a list that can hold thousands of actions, where a
// {{range}} over Fragment would cost a reflected call and an escaper call
// each. Every piece is html/template's output, so the joined pieces are too.
func (b *Base) Fragments(name string, xs any) (template.HTML, error) {
	switch xs := xs.(type) {
	case []*catalog.Action:
		return joinFragments(b, name, xs)
	case []string:
		return joinFragments(b, name, xs)
	case []*CellView:
		return joinFragments(b, name, xs)
	}
	return "", fmt.Errorf("fragments %s: cannot list a %T", name, xs)
}

func joinFragments[T comparable](b *Base, name string, xs []T) (template.HTML, error) {
	if len(xs) == 1 {
		return b.Fragment(name, xs[0])
	}
	// The pieces first, then one string of their length: a builder grown
	// piece by piece allocated twice the list's size again (a policy's
	// list of allowed actions runs to 2,000 links).
	pieces := make([]template.HTML, len(xs))
	n := 0
	for i, x := range xs {
		h, err := b.Fragment(name, x)
		if err != nil {
			return "", err
		}
		pieces[i] = h
		n += len(h)
	}
	var sb strings.Builder
	sb.Grow(n)
	for _, h := range pieces {
		sb.WriteString(string(h))
	}
	return template.HTML(sb.String()), nil
}
