package policy

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
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
		got, held := Unwrap([]byte(c.in))
		if string(got) != want || held != nil && c.in != `{"PolicyDocument": "%7B%7D"}` {
			t.Errorf("Unwrap(%q) = %q, %+v; want %q", c.in, got, held, want)
		}
	}
}

// TestHeldDocument: a document held as a string is found where the
// wrappers say, at the string, and decoded, URL-decoded when it is
// URL-encoded; a document, or one Unwrap finds as an object, is not.
func TestHeldDocument(t *testing.T) {
	scp := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
	quoted, _ := json.Marshal(scp)
	for _, c := range []struct {
		in, path  string
		line, col int
		text      string
		encoded   bool
	}{
		{"{\n  \"Policy\": {\"PolicySummary\": {}, \"Content\": \"{\\\"Version\\\": \\\"2012-10-17\\\"}\"}\n}", "Policy.Content", 2, 46, `{"Version": "2012-10-17"}`, false},
		{`{"Policy": {"Content": ` + string(quoted) + `}}`, "Policy.Content", 1, 24, scp, false},
		{`{"PolicyVersion": {"Document": "%7B%7D"}}`, "PolicyVersion.Document", 1, 32, `{}`, true},
		// IAM's API: URL-encoded, a space as %20, a "+" as %2B; a "+" left
		// as it is stays one (it is not a space in a path's encoding).
		{`{"PolicyDocument": " %7B%22Sid%22%3A%20%22a+b%2Bc%22%7D"}`, "PolicyDocument", 1, 20, ` {"Sid": "a+b+c"}`, true},
		{`{"PolicyDocument": "%7B%ZZ"}`, "PolicyDocument", 1, 20, `%7B%ZZ`, false}, // not an escape: as it is
		{`{"RoleName": "r", "PolicyDocument": "{}"}`, "PolicyDocument", 1, 37, `{}`, false},
		{`{"Document": "{\"Sid\": \"100%25\"}"}`, "Document", 1, 14, `{"Sid": "100%25"}`, false}, // a "%" inside is the document's
		{`{"Document": "{}", "Document": "[]"}`, "Document", 1, 14, `{}`, false},                 // the first of a key given twice
		{`{"Document": "{}", "PolicyDocument": {}}`, "", 0, 0, "", false},                        // Unwrap finds the object
		{`{"Version": "2012-10-17", "Document": "{}"}`, "", 0, 0, "", false},                     // a document
		{`{"Statement": [], "Policy": {"Content": "{}"}}`, "", 0, 0, "", false},
		{`{"Policy": {"Content": {}}}`, "", 0, 0, "", false},
		{`"{}"`, "", 0, 0, "", false},
		{`{"Document": "{}"`, "", 0, 0, "", false},
	} {
		doc, h := Unwrap([]byte(c.in))
		if h != nil && string(doc) != c.in {
			t.Errorf("Unwrap(%q): a held document, and the text to analyse changed: %q", c.in, doc)
		}
		if (h != nil) != (c.path != "") {
			t.Errorf("Unwrap(%q): held %+v, want %q", c.in, h, c.path)
			continue
		}
		if h == nil {
			continue
		}
		if h.Path != c.path || h.At.Line != c.line || h.At.Col != c.col || h.Text != c.text || h.URLEncoded != c.encoded {
			t.Errorf("Unwrap(%q): held %q at %d:%d, %q (URL-encoded %v); want %q at %d:%d, %q (%v)",
				c.in, h.Path, h.At.Line, h.At.Col, h.Text, h.URLEncoded, c.path, c.line, c.col, c.text, c.encoded)
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
		out, held := Unwrap(src)
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
		if held != nil && changed {
			t.Fatalf("%q: a document held as a string and one Unwrap finds", src)
		}
		if held != nil && !held.URLEncoded && !repeatsKeys(src, held.Path) {
			// The text is the string's, as encoding/json decodes it (which
			// keeps the last of a key given twice, Unwrap the first).
			var v any
			if err := json.Unmarshal(src, &v); err != nil {
				t.Fatalf("%q: a held document in what is not JSON: %v", src, err)
			}
			for _, k := range strings.Split(held.Path, ".") {
				v = v.(map[string]any)[k]
			}
			if s, ok := v.(string); !ok || s != held.Text && utf8.ValidString(s) {
				t.Fatalf("%q: held %q at %s, encoding/json reads %q", src, held.Text, held.Path, v)
			}
		}
		if changed {
			var v map[string]any
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("%q: what is left, %q, is not a JSON object: %v", src, out, err)
			}
		}
	})
}

// repeatsKeys says whether one of path's keys is written more than once
// in src.
func repeatsKeys(src []byte, path string) bool {
	for _, k := range strings.Split(path, ".") {
		if strings.Count(string(src), `"`+k+`"`) > 1 {
			return true
		}
	}
	return false
}
