package markup

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/internal/sitetest"
	"golang.org/x/tools/txtar"
)

// TestRenderCases runs each testdata/*.txtar case: input.md is rendered and
// compared with output.html (the HTML) and headings.txt (the headings);
// go test -update rewrites those two sections.
func TestRenderCases(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.txtar cases")
	}
	r := New()
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			in := section(ar, "input.md")
			if in == nil {
				t.Fatalf("%s: no input.md section", file)
			}
			doc, err := r.Render(file, in)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{
				"output.html":  string(doc.HTML),
				"headings.txt": formatHeadings(doc.Headings),
			}
			if strings.Contains(got["output.html"], `style="`) {
				t.Errorf("output has a style attribute:\n%s", got["output.html"])
			}
			checkHTML(t, got["output.html"])
			if sitetest.Update() {
				for i := range ar.Files {
					if g, ok := got[ar.Files[i].Name]; ok {
						ar.Files[i].Data = []byte(g)
						delete(got, ar.Files[i].Name)
					}
				}
				for _, name := range []string{"output.html", "headings.txt"} {
					if g, ok := got[name]; ok {
						ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(g)})
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, name := range []string{"output.html", "headings.txt"} {
				want := section(ar, name)
				if want == nil {
					t.Errorf("no %s section (run go test -update)", name)
					continue
				}
				if diff := cmp.Diff(string(want), got[name]); diff != "" {
					t.Errorf("%s differs (-want +got; run go test -update and review the diff):\n%s", name, diff)
				}
			}
		})
	}
}

func section(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// formatHeadings writes one heading per line, its section text indented
// on the next.
func formatHeadings(hs []Heading) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "h%d #%s %s\n\t%s\n", h.Level, h.ID, h.Text, h.Body)
	}
	return b.String()
}

func TestRenderFrontMatter(t *testing.T) {
	src := "---\n" +
		"title: Managed policies\n" +
		"summary: The AWS managed policies.\n" +
		"service: chime\n" +
		"order: 3\n" +
		"sources:\n" +
		"  - name: Amazon Chime Administration Guide\n" +
		"    url: https://docs.aws.amazon.com/chime/latest/ag/control-access.html\n" +
		"---\n" +
		"Body.\n"
	doc, err := New().Render("p.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := FrontMatter{
		Title:   "Managed policies",
		Summary: "The AWS managed policies.",
		Service: "chime",
		Order:   3,
		Sources: []Source{{Name: "Amazon Chime Administration Guide", URL: "https://docs.aws.amazon.com/chime/latest/ag/control-access.html"}},
	}
	if fmt.Sprintf("%#v", doc.FrontMatter) != fmt.Sprintf("%#v", want) {
		t.Errorf("front matter:\ngot  %#v\nwant %#v", doc.FrontMatter, want)
	}
	if got := string(doc.HTML); got != "<p>Body.</p>\n" {
		t.Errorf("HTML = %q, want the body only", got)
	}
}

func TestRenderFrontMatterCRLF(t *testing.T) {
	doc, err := New().Render("crlf.md", []byte("---\r\ntitle: Windows\r\n---\r\n# Hi\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Windows" || len(doc.Headings) != 1 || doc.Headings[0].ID != "hi" {
		t.Errorf("got title %q, headings %+v", doc.Title, doc.Headings)
	}
}

// TestRenderFrontMatterErrors checks that each error names the file, line
// and column of the problem in the file (the YAML starts on line 2).
func TestRenderFrontMatterErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"no front matter", "# Title\n", `f.md:1:1: missing front matter: the file must start with a "---" line`},
		{"empty file", "", `f.md:1:1: missing front matter: the file must start with a "---" line`},
		{"unclosed", "---\ntitle: x\n", `f.md:1:1: front matter opened with "---" is never closed`},
		{"empty", "---\n---\n", "f.md:1:1: front matter: title is required"},
		{"no title", "---\nsummary: s\n---\n", "f.md:2:1: front matter: title is required"},
		{"unknown key", "---\ntitle: t\n\nsumary: s\n---\n", `f.md:4:1: unknown key "sumary"`},
		{"unknown nested key", "---\ntitle: t\nsources:\n  - name: n\n    link: https://a.example/\n---\n", `f.md:5:5: unknown key "link"`},
		{"repeated key", "---\ntitle: t\ntitle: u\n---\n", `f.md:3:1: key "title" repeated`},
		{"order not int", "---\ntitle: t\norder: first\n---\n", `f.md:3:8: order: cannot use "first" as int`},
		{"title not scalar", "---\ntitle: [a, b]\n---\n", "f.md:2:8: title: expected a single value, not a list"},
		{"not a mapping", "---\n- a\n---\n", "f.md:2:1: front matter must be a mapping of keys to values"},
		{"sources not list", "---\ntitle: t\nsources: x\n---\n", "f.md:3:10: sources: expected a list, not a value"},
		{"source without url", "---\ntitle: t\nsources:\n  - name: n\n---\n", `f.md:4:5: source "n": url is required`},
		{"source bad url", "---\ntitle: t\nsources:\n  - name: n\n    url: javascript:alert(1)\n---\n", `f.md:5:10: source "n": url "javascript:alert(1)" is not an absolute http(s) URL`},
		// Syntax errors at their line and column (package yamlpos).
		{"tab indentation", "---\ntitle: t\n\tsummary: s\n---\n", "f.md:3:1: found character '\\t' that cannot start any token"},
		{"unterminated quote", "---\ntitle: t\nsummary: s\nservice: \"chime\n---\n", "f.md:4:10: could not find end character of double-quoted text"},
		{"syntax on the first line", "---\ntitle: a: b\n---\n", "f.md:2:9: mapping values are not allowed in this context"},
		{"unclosed [", "---\ntitle: t\nsources: [\n  {name: n, url: \"https://a.example/\"}\norder: 1\n---\n", "f.md:3:10: this '[' is never closed (at line 5, column 1: ',' or ']' must be specified)"},
		{"source without url, in a flow list", "---\ntitle: t\nsources: [{name: n}]\n---\n", `f.md:3:11: source "n": url is required`},
		{"bad indentation", "---\ntitle: t\n  summary: s\n---\n", "f.md:3:10: mapping values are not allowed in this context"},
	}
	r := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Render("f.md", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\ngot  %q\nwant %q", err, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"one two three four", 10, "one two…"},
		{"abcdefghijkl", 5, "abcd…"},
		{"ééé ééé ééé", 6, "ééé…"},
	}
	for _, tt := range tests {
		got := truncate(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > tt.max {
			t.Errorf("truncate(%q, %d) has %d runes", tt.in, tt.max, n)
		}
	}
}

func TestHeadingBodyIsBounded(t *testing.T) {
	long := strings.Repeat("word ", 500)
	doc, err := New().Render("long.md", []byte("---\ntitle: t\n---\n## Long\n\n"+long+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	body := doc.Headings[0].Body
	if n := utf8.RuneCountInString(body); n > maxBodyRunes || n < maxBodyRunes-10 {
		t.Errorf("body has %d runes, want close to %d", n, maxBodyRunes)
	}
	if !strings.HasSuffix(body, "word…") {
		t.Errorf("body should end at a word with an ellipsis: %q", body[len(body)-20:])
	}
}

// FuzzRender checks that no input makes Render panic, and that what it
// renders keeps the safety and heading invariants.
func FuzzRender(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		if ar, err := txtar.ParseFile(file); err == nil {
			f.Add(section(ar, "input.md"))
		}
	}
	f.Add([]byte("---\ntitle: [\n---\n"))
	f.Add([]byte("# a\n# a\n# a-1\n```go\nfunc main() {}\n```\n"))
	r := New()
	f.Fuzz(func(t *testing.T, src []byte) {
		// The raw input exercises front matter; with a valid front matter
		// prepended it exercises the Markdown side.
		_, _ = r.Render("fuzz.md", src)
		doc, err := r.Render("fuzz.md", append([]byte("---\ntitle: fuzz\n---\n"), src...))
		if err != nil {
			return
		}
		html := string(doc.HTML)
		if strings.Contains(html, `style="`) || strings.Contains(strings.ToLower(html), "<script") {
			t.Fatalf("unsafe output for %q:\n%s", src, html)
		}
		// Raw HTML is an error: only a comment may be left out.
		if strings.Contains(html, "raw HTML omitted") && !strings.Contains(string(src), "<!--") {
			t.Fatalf("raw HTML dropped without an error for %q:\n%s", src, html)
		}
		seen := map[string]bool{}
		for _, h := range doc.Headings {
			if h.ID == "" || seen[h.ID] {
				t.Fatalf("empty or repeated heading id %q", h.ID)
			}
			seen[h.ID] = true
			if utf8.RuneCountInString(h.Body) > maxBodyRunes {
				t.Fatalf("heading body longer than %d runes", maxBodyRunes)
			}
			if !strings.Contains(html, ` id="`+h.ID+`"`) {
				t.Fatalf("heading %q has no id in the HTML", h.ID)
			}
		}
	})
}

func BenchmarkRender(b *testing.B) {
	var src bytes.Buffer
	src.WriteString("---\ntitle: Benchmark\nservice: chime\n---\n")
	for i := range 20 {
		fmt.Fprintf(&src, "## Section %d\n\nGrant `chime:ListUsers` with *care*; see the [guide](https://example.com/%d).\n\n", i, i)
		src.WriteString("| Action | Policy |\n| --- | --- |\n| `chime:GetUser` | FA, UM, RO |\n\n")
		src.WriteString("```json\n{\n  \"Effect\": \"Allow\",\n  \"Action\": [\"chime:Get*\"],\n  \"Resource\": \"*\"\n}\n```\n\n")
	}
	r := New()
	b.SetBytes(int64(src.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render("bench.md", src.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRenderLinkSchemes: a link to a javascript: or data: URL is an error
// at its place in the file (it surfaced only as a defused link in the
// page); relative, http(s) and mailto links are fine.
func TestRenderLinkSchemes(t *testing.T) {
	r := New()
	src := "---\ntitle: t\n---\n# Links\n\n" +
		"Fine: [docs](https://docs.aws.amazon.com/), [here](../x/), [mail](mailto:a@example.com), <https://a.example/>.\n\n" +
		"Bad: [click](javascript:alert(1)) and ![pic](data:text/html,x).\n" +
		"Spaced: [évil](<java\tScript:alert(1)>) and <vbscript:msgbox>.\n\n" +
		"[ref]: javascript:void(0)\n\nBy reference: [the ref][ref].\n"
	_, err := r.Render("guides/demo/intro.md", []byte(src))
	var list diag.List
	if !errors.As(err, &list) {
		t.Fatalf("Render = %v, want diagnostics", err)
	}
	want := []string{
		"guides/demo/intro.md:8:7: a link to a javascript: URL; links may be relative or go to http, https or mailto",
		"guides/demo/intro.md:8:41: an image to a data: URL; links may be relative or go to http, https or mailto",
		"guides/demo/intro.md:9:10: a link to a javascript: URL; links may be relative or go to http, https or mailto",
		"guides/demo/intro.md:9:45: a link to a vbscript: URL; links may be relative or go to http, https or mailto",
		"guides/demo/intro.md:13:16: a link to a javascript: URL; links may be relative or go to http, https or mailto",
	}
	var got []string
	for _, d := range list {
		got = append(got, d.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := r.Render("ok.md", []byte("---\ntitle: t\n---\n[a](https://a.example/) [b](/b/) [c](#c) [d](mailto:d@example.com)\n")); err != nil {
		t.Errorf("fine links: %v", err)
	}
}

// TestRenderRawHTML: raw HTML, which the pages never show, is an error at
// its place instead of vanishing from the page ("<key>" in running text is
// a tag to Markdown); comments, escaped brackets, code and autolinks are
// fine.
func TestRenderRawHTML(t *testing.T) {
	r := New()
	src := "---\ntitle: t\n---\n# Raw\n\n" +
		"The key aws:ResourceTag/<key> names a tag.\n\n" +
		"<script>alert(1)</script>\n\n" +
		"An <img src=x onerror=alert(1)> image.\n\n" +
		"<div class=\"note\">\nA note.\n</div>\n"
	_, err := r.Render("guides/demo/raw.md", []byte(src))
	var list diag.List
	if !errors.As(err, &list) {
		t.Fatalf("Render = %v, want diagnostics", err)
	}
	want := []string{
		`guides/demo/raw.md:6:25: raw HTML "<key>" is not shown`,
		`guides/demo/raw.md:8:1: raw HTML "<script>alert(1)</script>" is not shown`,
		`guides/demo/raw.md:10:4: raw HTML "<img src=x onerror=alert(1)>" is not shown`,
		`guides/demo/raw.md:12:1: raw HTML "<div class=\"note\">" is not shown`,
	}
	if len(list) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%v", len(list), len(want), list)
	}
	for i, w := range want {
		if !strings.HasPrefix(list[i].Error(), w) {
			t.Errorf("diagnostic %d = %s, want %s…", i, list[i].Error(), w)
		}
	}
	fine := "---\ntitle: t\n---\n<!-- a comment -->\n\nThe key aws:ResourceTag/\\<key\\> or `<key>`, and <https://a.example/>.\n\n<!--\nlong\n-->\n\n```html\n<b>x</b>\n```\n"
	if _, err := r.Render("ok.md", []byte(fine)); err != nil {
		t.Errorf("no raw HTML: %v", err)
	}
}
