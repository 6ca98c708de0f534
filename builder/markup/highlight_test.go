package markup

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"golang.org/x/net/html"
)

const policyJSON = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Action": ["chime:List*", "chime:Get*"],
      "Effect": "Allow",
      "Resource": "*"
    }
  ]
}
`

func TestHighlight(t *testing.T) {
	tests := []struct {
		name string
		code string
		lang string
		opts HighlightOptions
		// want are substrings the output must contain, in order.
		want []string
		// ids are the id attributes the output must have, in order.
		ids []string
	}{
		{
			name: "json classes",
			code: policyJSON, lang: "json",
			want: []string{`<pre class="chroma"><code>`, `<span class="nt">&#34;Version&#34;</span>`, `<span class="s2">&#34;chime:List*&#34;</span>`},
		},
		{
			name: "language name is case-insensitive",
			code: "[1]", lang: "JSON",
			want: []string{`<span class="mi">1</span>`},
		},
		{
			name: "unknown language is plain",
			code: "<b>&</b>\n", lang: "no-such-language",
			want: []string{"<pre><code>&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>"},
		},
		{
			name: "empty language is plain",
			code: "x", lang: "",
			want: []string{"<pre><code>x</code></pre>"},
		},
		{
			name: "line numbers",
			code: "{\n}\n", lang: "json",
			opts: HighlightOptions{LineNumbers: true},
			want: []string{`<span class="ln">1</span>`, `<span class="ln">2</span>`},
		},
		{
			name: "line anchors",
			code: "{\n  \"a\": 1\n}\n", lang: "json",
			opts: HighlightOptions{LineAnchorPrefix: "L"},
			want: []string{`<span class="ln" id="L1"><a class="lnlinks" href="#L1">1</a></span>`, `href="#L3"`},
			ids:  []string{"L1", "L2", "L3"},
		},
		{
			name: "anchor prefix per block",
			code: "a\nb\n", lang: "json",
			opts: HighlightOptions{LineAnchorPrefix: "policy-2-L", LineNumbers: true},
			ids:  []string{"policy-2-L1", "policy-2-L2"},
		},
		{
			name: "highlighted lines",
			code: "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}\n", lang: "json",
			opts: HighlightOptions{HighlightLines: [][2]int{{4, 4}, {2, 2}}},
			want: []string{`<span class="line"><span class="cl"><span class="p">{</span>`, `<span class="line hl"><span class="cl">  <span class="nt">&#34;a&#34;`, `<span class="line"><span class="cl">  <span class="nt">&#34;b&#34;`, `<span class="line hl"><span class="cl">  <span class="nt">&#34;c&#34;`},
		},
		{
			name: "anchors without a lexer",
			code: "one\ntwo\n", lang: "no-such-language",
			opts: HighlightOptions{LineAnchorPrefix: "L"},
			want: []string{`>one`, `>two`},
			ids:  []string{"L1", "L2"},
		},
		{
			name: "NUL is replaced",
			code: "a\x00b", lang: "",
			want: []string{"a\uFFFDb"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Highlight(tt.code, tt.lang, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			out := string(got)
			if strings.Contains(out, `style="`) {
				t.Errorf("output has a style attribute:\n%s", out)
			}
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (or has it out of order):\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			ids := checkHTML(t, out)
			if fmt.Sprint(ids) != fmt.Sprint(tt.ids) {
				t.Errorf("ids = %v, want %v", ids, tt.ids)
			}
		})
	}
}

// checkHTML fails unless every end tag closes the innermost open element
// and ids are unique; it returns the ids in document order.
func checkHTML(t *testing.T, s string) []string {
	t.Helper()
	void := map[string]bool{"br": true, "img": true, "hr": true, "input": true, "meta": true, "link": true}
	var stack, ids []string
	seen := map[string]bool{}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			if len(stack) > 0 {
				t.Fatalf("unclosed elements %v in\n%s", stack, s)
			}
			return ids
		case html.StartTagToken:
			tok := z.Token()
			for _, a := range tok.Attr {
				if a.Key == "id" {
					if seen[a.Val] {
						t.Fatalf("repeated id %q", a.Val)
					}
					seen[a.Val] = true
					ids = append(ids, a.Val)
				}
			}
			if !void[tok.Data] {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			tok := z.Token()
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				t.Fatalf("</%s> does not close the open element (open: %v) in\n%s", tok.Data, stack, s)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func TestHighlightRejectsBadAnchorPrefix(t *testing.T) {
	for _, prefix := range []string{`L"><script>`, "1L", "L 1", "-L"} {
		if _, err := Highlight("{}", "json", HighlightOptions{LineAnchorPrefix: prefix}); err == nil {
			t.Errorf("prefix %q: no error", prefix)
		}
	}
}

func TestHighlightKeepsCallersRanges(t *testing.T) {
	ranges := [][2]int{{5, 6}, {1, 2}}
	if _, err := Highlight(policyJSON, "json", HighlightOptions{HighlightLines: ranges}); err != nil {
		t.Fatal(err)
	}
	if ranges[0] != [2]int{5, 6} || ranges[1] != [2]int{1, 2} {
		t.Errorf("Highlight reordered the caller's ranges: %v", ranges)
	}
}

func TestLexerCache(t *testing.T) {
	a, b := lexerFor("json"), lexerFor(" JSON ")
	if a == nil || a != b {
		t.Errorf("lexerFor(json) = %v, lexerFor( JSON ) = %v: want the same cached lexer", a, b)
	}
	if l := lexerFor("no-such-language"); l != nil {
		t.Errorf("lexerFor(no-such-language) = %v, want nil", l)
	}
}

func TestCSS(t *testing.T) {
	css := CSS()
	if !bytes.Equal(css, CSS()) {
		t.Error("CSS differs between calls")
	}
	// CSS returns a copy: a caller cannot change what others get.
	css[0] = 'X'
	if CSS()[0] == 'X' {
		t.Error("CSS returns shared memory")
	}
	css = CSS()
	s := string(css)
	if strings.Contains(s, "style=") {
		t.Error("CSS contains style=")
	}
	if strings.Count(s, "{") != strings.Count(s, "}") {
		t.Error("CSS braces are unbalanced")
	}
	light, dark, ok := strings.Cut(s, "@media (prefers-color-scheme: dark) {")
	if !ok {
		t.Fatal("CSS has no dark-mode block")
	}
	// Every class the JSON highlighter and the Markdown renderer emit has a
	// rule in both halves (the light half is everything but the dark block).
	out, err := Highlight(policyJSON, "json", HighlightOptions{LineAnchorPrefix: "L", HighlightLines: [][2]int{{2, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	classes := map[string]bool{}
	for _, m := range regexp.MustCompile(`class="([^"]+)"`).FindAllStringSubmatch(string(out), -1) {
		for c := range strings.FieldsSeq(m[1]) {
			classes[c] = true
		}
	}
	delete(classes, "cl") // code-line wrapper, unstyled by design
	for c := range classes {
		rule := "." + c + " {"
		if !strings.Contains(light, rule) {
			t.Errorf("light CSS has no rule for .%s", c)
		}
		if !strings.Contains(dark, rule) {
			t.Errorf("dark CSS has no rule for .%s", c)
		}
	}
	for _, rule := range []string{"td.align-center, th.align-center { text-align: center }", ".chroma .ln:target"} {
		if !strings.Contains(s, rule) {
			t.Errorf("CSS lacks %q", rule)
		}
	}
}

func BenchmarkHighlightJSON(b *testing.B) {
	var code strings.Builder
	code.WriteString("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\n")
	for i := range 200 {
		fmt.Fprintf(&code, "        \"chime:Action%d\",\n", i)
	}
	code.WriteString("        \"chime:Last\"\n      ],\n      \"Resource\": \"*\"\n    }\n  ]\n}\n")
	opts := HighlightOptions{LineAnchorPrefix: "L", HighlightLines: [][2]int{{10, 12}}}
	b.SetBytes(int64(code.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Highlight(code.String(), "json", opts); err != nil {
			b.Fatal(err)
		}
	}
}

// TestJSONFastPathMatchesLexer checks the hand tokeniser gives the same HTML
// as chroma's JSON lexer on valid documents.
func TestJSONFastPathMatchesLexer(t *testing.T) {
	docs := []string{
		"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"s3:Get*\", \"s3:List*\"], \"Resource\": \"arn:aws:s3:::b/${aws:username}\"}\n  ]\n}",
		`{"a": [1, -2.5e3, true, false, null, {"b": "x\"y"}], "c": {}}`,
		`[]`,
	}
	for _, d := range docs {
		toks, ok := jsonTokens(d)
		if !ok {
			t.Fatalf("fast path refused valid JSON %q", d)
		}
		var fast, slow bytes.Buffer
		f := chromahtml.New(chromahtml.WithClasses(true))
		if err := f.Format(&fast, styles.Get(lightStyle), chroma.Literator(toks...)); err != nil {
			t.Fatal(err)
		}
		if err := format(&slow, f, lexerFor("json"), d); err != nil {
			t.Fatal(err)
		}
		if fast.String() != slow.String() {
			t.Errorf("fast path differs for %q:\nfast %s\nslow %s", d, fast.String(), slow.String())
		}
	}
	for _, bad := range []string{`{"a": }x`, `{"a": [1,}`, "{\"a\n\": 1}", `{`, `{"a": 1 "b": 2}`} {
		if _, ok := jsonTokens(bad); ok {
			t.Errorf("fast path accepted broken JSON %q", bad)
		}
	}
}

// BenchmarkHighlightMinimalPolicy highlights the kind of document every
// action page carries: a short policy without line numbers.
func BenchmarkHighlightMinimalPolicy(b *testing.B) {
	code := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"AllowS3PutObject\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:PutObject\",\n      \"Resource\": [\n        \"arn:${Partition}:s3:::${BucketName}/${ObjectName}\",\n        \"arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}\"\n      ]\n    }\n  ]\n}"
	b.SetBytes(int64(len(code)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Highlight(code, "json", HighlightOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHighlightPlainLines checks a block without numbers or marks: no
// element per line, and its text is exactly the code, for the copy buttons
// that copy a block's text.
func TestHighlightPlainLines(t *testing.T) {
	for _, lang := range []string{"json", "go", "yaml"} {
		code := policyJSON
		if lang == "json" {
			code = "{\n  \"a\": [1, \"x<y&\\\"z\"],\n  \"b\": null\n}"
		}
		got, err := Highlight(code, lang, HighlightOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s := string(got)
		if !strings.HasPrefix(s, `<pre class="chroma"><code>`) || !strings.HasSuffix(s, "</code></pre>") {
			t.Errorf("%s: not one <pre><code> block: %s", lang, s)
		}
		if strings.Contains(s, `class="line"`) || strings.Contains(s, `class="cl"`) {
			t.Errorf("%s: lines wrapped: %s", lang, s)
		}
		doc, err := html.Parse(strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.TextNode {
				text.WriteString(n.Data)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if text.String() != code {
			t.Errorf("%s: text of the block is\n%q\nwant\n%q", lang, text.String(), code)
		}
	}
}
