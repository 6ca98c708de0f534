package linkcheck

import (
	"errors"
	"sort"
	"strings"
	"testing"
)

func TestLinkChecker(t *testing.T) {
	files := []string{"/a/index.html", "/b/index.html", "/d e/index.html", "/static/i.png"}
	// The same pages checked with no files expected (all checked at the
	// end), with every file expected (most checked as each page is added),
	// and with a file written after the pages (checked at the end).
	for _, expected := range [][]string{nil, files, files[:3]} {
		x := &Index{}
		if expected != nil {
			x.Expect(expected)
		}
		x.Add("/a/index.html", []byte(`<h2 id="top">x</h2><a href="../b/">b</a> <a href="../b/#sec">sec</a> <a href="#top">top</a>
<img src="../static/i.png"> <a href="https://example.com/">ext</a> <a href="mailto:x@example.com">m</a> <a href="../b/?q=1">q</a>
<a href="../b/#nope">bad frag</a> <a href="../c/">missing</a> <a href="#gone">bad own</a> <a data-href="../zzz/">data</a> <a href="../b/index.html">file</a>
<a href="../d%20e/">escaped</a> <a href="../b/#s&amp;t">entity</a> <a href="../a/#top">self</a> <a href="../a/index.html#nothere">bad self</a>`))
		x.Add("/b/index.html", []byte(`<section id="sec"></section><p id="s&amp;t"></p><a href="../a/">a</a>`))
		x.Add("/d e/index.html", []byte(`<p>space</p>`))
		rep, err := Check(t.TempDir(), files, x)
		var le *Error
		if !errors.As(err, &le) {
			t.Fatalf("expected %v: err = %v, want broken links", expected, err)
		}
		var got []string
		for _, b := range le.Broken {
			got = append(got, b.Page+" "+b.Ref)
		}
		sort.Strings(got)
		want := []string{"/a/index.html #gone", "/a/index.html ../b/#nope", "/a/index.html ../c/", "/a/index.html ../b/#s&t", "/a/index.html ../a/index.html#nothere"}
		sort.Strings(want)
		// The entity-escaped id matches only once unescaped on both sides; the
		// index keeps ids raw, so "s&amp;t" is the id the page declares.
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("expected %v: broken =\n%s\nwant\n%s", expected, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if rep.Pages != 3 || rep.Links != 16 {
			t.Errorf("expected %v: report = %d pages, %d links", expected, rep.Pages, rep.Links)
		}
		for _, w := range []string{"/a/index.html → ../c/ (no such file /c/)", "no id nope in /b/index.html", "/a/index.html → ../a/index.html#nothere (no id nothere in this page)"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("expected %v: error lacks %q:\n%v", expected, w, err)
			}
		}
	}
	// With the files expected, the index keeps only the references that
	// need another page's ids or a closer look.
	x := &Index{}
	x.Expect(files)
	x.Add("/a/index.html", []byte(`<a href="../b/">b</a> <a href="../b/#sec">sec</a> <a href="https://example.com/">ext</a> <a href="../c/">missing</a> <a href="../d%20e/">escaped</a>`))
	var kept []string
	x.pages["/a/index.html"].each(true, func(v string) bool { kept = append(kept, v); return true })
	if got := strings.Join(kept, " "); got != "../b/#sec ../c/ ../d%20e/" {
		t.Errorf("kept %q", got)
	}
}
