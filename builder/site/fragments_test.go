package site

import (
	"html/template"
	"strconv"
	"sync"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/templates"
)

// TestFragment checks that a fragment is the same partial a page would
// render in place: links relative to the page's depth, site-absolute on
// absolute pages, names escaped, one rendering per depth and datum.
func TestFragment(t *testing.T) {
	t.Parallel()
	ts, err := parseTemplates(templates.FS, 1)
	if err != nil {
		t.Fatal(err)
	}
	info := &Info{fragments: newFragmentCache(ts)}
	svc := &catalog.Service{Prefix: "chime", Name: "Amazon Chime"}
	a := &catalog.Action{Service: svc, Name: "CreateMeeting"}
	odd := &catalog.Action{Service: svc, Name: `Get<b>&"x"`}
	tests := []struct {
		page Base
		name string
		x    any
		want string
	}{
		{Base{Path: "/policies/P/"}, "frag-action-item", a, `<li><a href="../../chime/CreateMeeting/">CreateMeeting</a></li>`},
		{Base{Path: "/policies/compare/A-vs-B/"}, "frag-action-link", a, `<a href="../../../chime/CreateMeeting/">CreateMeeting</a> `},
		{Base{Path: "/404.html", Absolute: true}, "frag-action-link", a, `<a href="/chime/CreateMeeting/">CreateMeeting</a> `},
		{Base{Path: "/chime/"}, "frag-action-link", odd, `<a href="../chime/Get%3Cb%3E&amp;%22x%22/">Get&lt;b&gt;&amp;&#34;x&#34;</a> `},
		{Base{Path: "/chime/CreateMeeting/"}, "frag-key-link", "aws:RequestTag/${TagKey}", `<a class="key" href="../../conditions/aws_RequestTag_TagKey/">aws:RequestTag/${TagKey}</a> `},
		// The calling page itself is linked in full, not as "#": the
		// fragment is shared by every page of the depth.
		{Base{Path: "/chime/CreateMeeting/"}, "frag-action-link", a, `<a href="../../chime/CreateMeeting/">CreateMeeting</a> `},
	}
	for _, tt := range tests {
		p := tt.page
		p.Site = info
		got, err := p.Fragment(tt.name, tt.x)
		if err != nil {
			t.Fatalf("%s on %s: %v", tt.name, p.Path, err)
		}
		if string(got) != tt.want {
			t.Errorf("%s on %s:\n got %s\nwant %s", tt.name, p.Path, got, tt.want)
		}
	}
	n := 0
	info.fragments.depths.Values(func(d *fragmentDepth) {
		n += len(d.fresh)
		if m := d.done.Load(); m != nil {
			n += len(*m)
		}
	})
	if n != len(tests) { // all different depth, name or datum
		t.Errorf("cache holds %d fragments, want %d", n, len(tests))
	}
	// Same depth and datum: the cached fragment.
	again := Base{Path: "/policies/Q/", Site: info}
	if got, _ := again.Fragment("frag-action-item", a); string(got) != tests[0].want {
		t.Errorf("cached fragment = %s", got)
	}
	if _, err := again.Fragment("no-such-fragment", a); err == nil {
		t.Error("unknown fragment: no error")
	}
}

// TestFragments checks that a list of fragments is each fragment in turn,
// for lists of actions and of condition keys, and that other lists are an
// error rather than nothing.
func TestFragments(t *testing.T) {
	t.Parallel()
	ts, err := parseTemplates(templates.FS, 1)
	if err != nil {
		t.Fatal(err)
	}
	svc := &catalog.Service{Prefix: "chime", Name: "Amazon Chime"}
	a := &catalog.Action{Service: svc, Name: "CreateMeeting"}
	b := &catalog.Action{Service: svc, Name: `Get<b>`}
	tests := []struct {
		name string
		xs   any
		want string
	}{
		{"frag-action-item", []*catalog.Action{a, b, a}, `<li><a href="../../chime/CreateMeeting/">CreateMeeting</a></li><li><a href="../../chime/Get%3Cb%3E/">Get&lt;b&gt;</a></li><li><a href="../../chime/CreateMeeting/">CreateMeeting</a></li>`},
		{"frag-action-link", []*catalog.Action{b}, `<a href="../../chime/Get%3Cb%3E/">Get&lt;b&gt;</a> `},
		{"frag-action-link", []*catalog.Action(nil), ``},
		{"frag-cell", []*CellView{stateView(policy.CellAllowed), nil, stateView(policy.CellAllowed | policy.CellConditional)}, `<td class="m-a"><abbr title="allowed">✓</abbr></td><td></td><td class="m-c"><abbr title="allowed, conditional">✓c</abbr></td>`},
		{"frag-key-link", []string{"chime:Region", "aws:RequestTag/${TagKey}"}, `<a class="key" href="../../conditions/chime_Region/">chime:Region</a> <a class="key" href="../../conditions/aws_RequestTag_TagKey/">aws:RequestTag/${TagKey}</a> `},
	}
	for _, tt := range tests {
		p := Base{Path: "/policies/P/", Site: &Info{fragments: newFragmentCache(ts)}}
		got, err := p.Fragments(tt.name, tt.xs)
		if err != nil {
			t.Fatalf("%s %v: %v", tt.name, tt.xs, err)
		}
		if string(got) != tt.want {
			t.Errorf("%s %v:\n got %s\nwant %s", tt.name, tt.xs, got, tt.want)
		}
	}
	p := Base{Path: "/policies/P/", Site: &Info{fragments: newFragmentCache(ts)}}
	if _, err := p.Fragments("frag-action-item", []int{1}); err == nil {
		t.Error("a list of ints: no error")
	}
	if _, err := p.Fragments("no-such-fragment", []string{"x", "y"}); err == nil {
		t.Error("unknown fragment: no error")
	}
}

// TestFragmentDepthSnapshots stores and looks up fragments from several
// goroutines, across many snapshots: every fragment stored is found, with
// its own HTML (run with -race).
func TestFragmentDepthSnapshots(t *testing.T) {
	t.Parallel()
	d := &fragmentDepth{fresh: map[fragmentKey]template.HTML{}}
	const n = 5000
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range n {
				key := fragmentKey{"f", i}
				if h, ok := d.lookup(key); ok {
					if want := template.HTML(strconv.Itoa(i)); h != want {
						t.Errorf("worker %d: fragment %d = %s", w, i, h)
					}
					continue
				}
				d.store(key, template.HTML(strconv.Itoa(i)))
			}
		})
	}
	wg.Wait()
	for i := range n {
		if h, ok := d.lookup(fragmentKey{"f", i}); !ok || h != template.HTML(strconv.Itoa(i)) {
			t.Fatalf("fragment %d = %q, %v", i, h, ok)
		}
	}
	snap := 0
	if m := d.done.Load(); m != nil {
		snap = len(*m)
	}
	if snap < n*7/8 { // fresh holds at most an eighth
		t.Errorf("the snapshot holds %d fragments of %d", snap, n)
	}
}
