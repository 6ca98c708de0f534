package policy

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestUnwrap: the wrappers' documents are found, at their bytes, and
// everything else is left as it is.
func TestUnwrap(t *testing.T) {
	doc := `{"Version": "2012-10-17", "Statement": []}`
	// keep is in with every byte but those of inner, where it first
	// occurs, blanked (line breaks kept).
	keep := func(in, inner string) string {
		at := strings.Index(in, inner)
		out := []byte(in)
		for i := range out {
			if (i < at || i >= at+len(inner)) && out[i] != '\n' && out[i] != '\r' {
				out[i] = ' '
			}
		}
		return string(out)
	}
	for _, c := range []struct{ in, want string }{
		{`{"PolicyVersion": {"Document": ` + doc + `, "VersionId": "v1"}}`, keep(`{"PolicyVersion": {"Document": `+doc+`, "VersionId": "v1"}}`, doc)},
		{"{\n  \"RoleName\": \"r\",\r\n  \"PolicyDocument\": " + doc + "\n}", keep("{\n  \"RoleName\": \"r\",\r\n  \"PolicyDocument\": "+doc+"\n}", doc)},
		{`{"PolicyName": "p", "Document": ` + doc + `}`, keep(`{"PolicyName": "p", "Document": `+doc+`}`, doc)},
		{`{"Document": {"Document": {}}}`, keep(`{"Document": {"Document": {}}}`, `{"Document": {}}`)},
		// Left as they are: a document (whatever else it holds, its first
		// key a policy's or not), a string document, a wrapper's document
		// that is not an object, what is not an object, what is not JSON.
		{doc, doc},
		{`{"Version": "2012-10-17", "Document": {}}`, ``},
		{`{"Document": {}, "Statement": []}`, ``},
		{`{"PolicyDocument": "%7B%7D"}`, ``},
		{`{"PolicyVersion": {"Document": []}}`, ``},
		{`[{"Document": {}}]`, ``},
		{`{"Document": {}`, ``},
		{``, ``},
	} {
		want := c.want
		if want == "" {
			want = c.in
		}
		if got := string(Unwrap([]byte(c.in))); got != want {
			t.Errorf("Unwrap(%q) = %q, want %q", c.in, got, want)
		}
	}
}

// TestStringDocument: a document held as a string is found where the
// wrappers say, at the string; a document, or one Unwrap finds, is not.
func TestStringDocument(t *testing.T) {
	for _, c := range []struct {
		in, path  string
		line, col int
	}{
		{"{\n  \"Policy\": {\"PolicySummary\": {}, \"Content\": \"{\\\"Version\\\": \\\"2012-10-17\\\"}\"}\n}", "Policy.Content", 2, 46},
		{`{"PolicyVersion": {"Document": "%7B%7D"}}`, "PolicyVersion.Document", 1, 32},
		{`{"RoleName": "r", "PolicyDocument": "{}"}`, "PolicyDocument", 1, 37},
		{`{"Document": "{}", "PolicyDocument": {}}`, "", 0, 0},    // Unwrap finds the object
		{`{"Version": "2012-10-17", "Document": "{}"}`, "", 0, 0}, // a document
		{`{"Statement": [], "Policy": {"Content": "{}"}}`, "", 0, 0},
		{`{"Policy": {"Content": {}}}`, "", 0, 0},
		{`"{}"`, "", 0, 0},
		{`{"Document": "{}"`, "", 0, 0},
	} {
		path, at, ok := StringDocument([]byte(c.in))
		if ok != (c.path != "") || path != c.path || at.Line != c.line || at.Col != c.col {
			t.Errorf("StringDocument(%q) = %q, %v, %v; want %q at %d:%d", c.in, path, at, ok, c.path, c.line, c.col)
		}
	}
}

// FuzzUnwrap: any bytes give bytes of the same length, each the
// input's or a space in its place (line breaks kept), so that positions
// stay the file's; what was blanked leaves a JSON object; and
// StringDocument finds no string where Unwrap found a document.
func FuzzUnwrap(f *testing.F) {
	for _, s := range []string{
		`{"PolicyVersion": {"Document": {"Version": "2012-10-17", "Statement": []}, "VersionId": "v1"}}`,
		"{\r\n\"RoleName\": \"r\",\n\"PolicyDocument\": {\"Statement\": {}}}",
		`{"Document": {"Document": {}}}`, `{"Document": "%7B%7D"}`, `{"Version": "2012-10-17", "Document": {}}`,
		`[{"Document": {}}]`, `{"Document": {}`, `{"PolicyVersion": {"Document": []}}`, "\"é\" {",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out := Unwrap(src)
		if len(out) != len(src) {
			t.Fatalf("%q: %d bytes out of %d", src, len(out), len(src))
		}
		changed := false
		for i := range out {
			if out[i] != src[i] {
				if out[i] != ' ' || src[i] == '\n' || src[i] == '\r' {
					t.Fatalf("%q: byte %d is %q, not the input's %q or a space", src, i, out[i], src[i])
				}
				changed = true
			}
		}
		if _, _, ok := StringDocument(src); ok && changed {
			t.Fatalf("%q: a document held as a string and one Unwrap finds", src)
		}
		if changed {
			var v map[string]any
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("%q: what is left, %q, is not a JSON object: %v", src, out, err)
			}
		}
	})
}
