package markup

import (
	"strings"
	"testing"
)

// TestHighlightJSONLinesMatchesDocument: the lines highlighted one by one
// are the lines of the whole document highlighted at once.
func TestHighlightJSONLinesMatchesDocument(t *testing.T) {
	for _, doc := range []string{
		"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\n        \"s3:Get*\",\n        \"s3:List*\"\n      ],\n      \"Resource\": \"*\",\n      \"Condition\": {\n        \"NumericLessThan\": {\n          \"s3:signatureAge\": 600000\n        },\n        \"Bool\": {\n          \"aws:SecureTransport\": true,\n          \"x\": null,\n          \"y\": -1.5e3\n        }\n      }\n    }\n  ]\n}\n",
		"{\n  \"a\": \"with \\\"quotes\\\" and <html> & more\",\n  \"b\": []\n}\n",
	} {
		whole, err := Highlight(doc, "json", HighlightOptions{})
		if err != nil {
			t.Fatal(err)
		}
		inner := strings.TrimSuffix(strings.TrimPrefix(string(whole), `<pre class="chroma"><code>`), "</code></pre>")
		lines, err := HighlightJSONLines(strings.Split(strings.TrimSuffix(doc, "\n"), "\n"))
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, l := range lines {
			parts = append(parts, string(l))
		}
		if got := strings.Join(parts, "\n") + "\n"; got != strings.ReplaceAll(inner, "&#34;", `"`) {
			t.Errorf("lines:\n%s\nwhole:\n%s", got, inner)
		}
	}
	// Fragments of a line come out escaped and whole.
	got, _ := HighlightJSONLines([]string{`  "unterminated`, `<b>`})
	if !strings.Contains(string(got[0]), "unterminated") || strings.Contains(string(got[1]), "<b>") {
		t.Errorf("fragments: %q", got)
	}
}
