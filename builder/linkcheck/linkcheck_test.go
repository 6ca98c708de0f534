package linkcheck

import (
	"errors"
	"slices"
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

// TestCheckAgain: after some pages are added again, CheckAgain checks
// those pages and the other pages' links to their ids, and finds what a
// whole Check finds.
func TestCheckAgain(t *testing.T) {
	for _, expected := range []bool{false, true} {
		files := []string{"/a/index.html", "/b/index.html", "/c/index.html"}
		pages := map[string]string{
			"/a/index.html": `<h2 id="top">a</h2><a href="../b/#sec">sec</a> <a href="../c/">c</a>`,
			"/b/index.html": `<section id="sec"></section><a href="../a/#top">a</a>`,
			"/c/index.html": `<p id="c">c</p>`,
		}
		x := &Index{}
		if _, err := CheckAgain(t.TempDir(), nil, x); err == nil {
			t.Error("CheckAgain without Retain and a Check: no error")
		}
		x.Retain()
		if expected {
			x.Expect(files)
		}
		for _, f := range files {
			x.Add(f, []byte(pages[f]))
		}
		if _, err := Check(t.TempDir(), files, x); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			page, data string
			broken     []string // page → ref, of a whole Check
			checked    int      // pages CheckAgain checks
		}{
			{"/c/index.html", `<p id="c">c, edited</p>`, nil, 1},
			{"/b/index.html", `<section id="other"></section><a href="../a/#top">a</a>`, []string{"/a/index.html ../b/#sec"}, 1},
			{"/b/index.html", `<section id="sec"></section><a href="../a/#gone">a</a>`, []string{"/b/index.html ../a/#gone"}, 1},
			{"/b/index.html", `<section id="sec"></section><a href="../d/">a</a>`, []string{"/b/index.html ../d/"}, 1},
			{"/d/index.html", `<a href="../a/#top">new</a>`, nil, 1}, // a file added
			{"/b/index.html", pages["/b/index.html"], nil, 1},
		} {
			var added []string
			if !slices.Contains(files, tc.page) {
				files, added = append(files, tc.page), []string{tc.page}
				pages[tc.page] = tc.data
			}
			x.Add(tc.page, []byte(tc.data))
			rep, err := CheckAgain(t.TempDir(), added, x)
			var got []string
			if le := (*Error)(nil); errors.As(err, &le) {
				for _, b := range le.Broken {
					got = append(got, b.Page+" "+b.Ref)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(tc.broken, "\n") {
				t.Errorf("expected %v, %s as %q: broken %q, want %q", expected, tc.page, tc.data, got, tc.broken)
			}
			if rep.Pages != tc.checked {
				t.Errorf("expected %v, %s: CheckAgain checked %d pages, want %d", expected, tc.page, rep.Pages, tc.checked)
			}
			// A whole check of a fresh index finds the same.
			whole := &Index{}
			for _, f := range files {
				data := pages[f]
				if f == tc.page {
					data = tc.data
				}
				whole.Add(f, []byte(data))
			}
			_, werr := Check(t.TempDir(), files, whole)
			if (werr == nil) != (err == nil) || err != nil && err.Error() != werr.Error() {
				t.Errorf("expected %v, %s: CheckAgain says %v, Check %v", expected, tc.page, err, werr)
			}
			if err != nil { // put the page back as it was
				x.Add(tc.page, []byte(pages[tc.page]))
				if _, err := CheckAgain(t.TempDir(), nil, x); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
