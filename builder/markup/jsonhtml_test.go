package markup

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

// jsonHTMLOptions are the option sets the site highlights JSON with, and
// some it does not (yet): every one must give chroma's bytes.
var jsonHTMLOptions = []HighlightOptions{
	{},
	{LineNumbers: true},
	{LineAnchorPrefix: "L"},
	{LineAnchorPrefix: "L", HighlightLines: [][2]int{{2, 3}}},
	{LineAnchorPrefix: "v2-L", HighlightLines: [][2]int{{9, 12}, {1, 1}, {3, 5}, {3, 4}, {40, 400}}},
	{HighlightLines: [][2]int{{1, 2}, {5, 5}}},
	{LineNumbers: true, HighlightLines: [][2]int{{0, 0}, {2, 1}, {7, 9}}},
}

// chromaJSONHTML is what chroma's own formatter writes for the tokens with
// the formatter Highlight would use.
func chromaJSONHTML(t testing.TB, toks []chroma.Token, opts HighlightOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := formatterFor(opts).Format(&buf, styles.Get(lightStyle), chroma.Literator(toks...)); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func checkJSONHTML(t testing.TB, doc string) {
	t.Helper()
	toks, ok := jsonTokens(sanitizeCode(doc))
	if !ok {
		return
	}
	for _, opts := range jsonHTMLOptions {
		var buf bytes.Buffer
		if !writeJSONHTML(&buf, toks, layoutFor(opts, true)) {
			t.Fatalf("writeJSONHTML refused the tokens of %q", doc)
		}
		if want := chromaJSONHTML(t, toks, opts); buf.String() != want {
			t.Fatalf("%+v, %q:\ngot  %s\nwant %s", opts, doc, buf.String(), want)
		}
	}
	// Line by line, as HighlightJSONLines does it, against chroma's
	// formatter there.
	for _, l := range strings.Split(doc, "\n") {
		var got, want bytes.Buffer
		lt := jsonLineTokens(sanitizeCode(l))
		if !writeJSONHTML(&got, lt, jsonLayout{}) {
			t.Fatalf("writeJSONHTML refused the tokens of line %q", l)
		}
		if err := lineFormatter.Format(&want, styles.Get(lightStyle), chroma.Literator(lt...)); err != nil {
			t.Fatal(err)
		}
		if g, w := strings.TrimSuffix(got.String(), "\n"), strings.ReplaceAll(strings.TrimSuffix(want.String(), "\n"), "&#34;", `"`); g != w {
			t.Fatalf("line %q:\ngot  %s\nwant %s", l, g, w)
		}
	}
}

// TestJSONHTMLMatchesChroma: writeJSONHTML writes what chroma's formatter
// writes, on every option set, for documents with every kind of token and
// escape, and for every managed and example policy of the content tree.
func TestJSONHTMLMatchesChroma(t *testing.T) {
	docs := []string{
		"", "{}", "[]", "\n", "{}\n", "{}\n\n", "\n\n{}",
		policyJSON,
		`{"a": [1, -2.5e3, true, false, null, {"b": "x\"y"}], "c": {}}`,
		"{\n  \"<b>&'\\\"\": \"</code></pre><script>\",\n  \"n\": [0, 1.5, -3e-7]\n}",
		"{\r\n  \"crlf\": \"\\u00e9 é 日本\"\r\n}\r\n",
		"{\"nul\": \"a\x00b\"}",
		"{\n" + strings.Repeat("  \"k\": \"v\",\n", 120) + "  \"last\": 1\n}",
	}
	for _, d := range docs {
		checkJSONHTML(t, d)
	}
	n := 0
	for _, dir := range []string{"policies", "examples"} {
		files, err := filepath.Glob(filepath.Join(contentDir, dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		if testing.Short() && len(files) > 200 {
			files = files[:200]
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checkJSONHTML(t, string(data))
			n++
		}
	}
	if n < 100 {
		t.Fatalf("compared %d content documents; the content tree has more", n)
	}
	// Tokens the writer does not know go to chroma.
	var buf bytes.Buffer
	if writeJSONHTML(&buf, []chroma.Token{{Type: chroma.Comment, Value: "//"}}, jsonLayout{pre: true}) || buf.Len() != 0 {
		t.Error("a comment token was written")
	}
	if writeJSONHTML(&buf, []chroma.Token{{Type: chroma.Text, Value: ""}}, jsonLayout{pre: true}) || buf.Len() != 0 {
		t.Error("an empty token was written")
	}
}

// FuzzJSONHTML compares writeJSONHTML with chroma's formatter on any
// document the JSON tokenisers take.
func FuzzJSONHTML(f *testing.F) {
	f.Add(policyJSON)
	f.Add("{\n  \"a\": \"x<y&'\\\"z\",\n  \"b\": [null, true, -1.5e3]\n}\n")
	f.Add("  \"unterminated")
	f.Fuzz(func(t *testing.T, doc string) {
		checkJSONHTML(t, doc)
	})
}

// BenchmarkJSONHTML writes a managed policy's document with line anchors
// and marks, as policy pages show it, with writeJSONHTML and with chroma's
// formatter.
func BenchmarkJSONHTML(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(contentDir, "policies", "ReadOnlyAccess.json"))
	if err != nil {
		b.Skip(err)
	}
	toks, ok := jsonTokens(string(data))
	if !ok {
		b.Fatal("not JSON")
	}
	opts := HighlightOptions{LineAnchorPrefix: "L", HighlightLines: [][2]int{{10, 12}}}
	b.Run("writer", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			writeJSONHTML(&buf, toks, layoutFor(opts, true))
		}
	})
	b.Run("chroma", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithLineNumbers(true),
			chromahtml.WithLinkableLineNumbers(true, "L"), chromahtml.HighlightLines([][2]int{{10, 12}}))
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			if err := f.Format(&buf, styles.Get(lightStyle), chroma.Literator(toks...)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
