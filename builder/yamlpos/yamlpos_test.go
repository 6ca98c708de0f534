package yamlpos

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

type source struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
}

type page struct {
	Title    string   `yaml:"title"`
	Order    int      `yaml:"order"`
	Draft    *bool    `yaml:"draft"`
	Tags     []string `yaml:"tags"`
	Sources  []source `yaml:"sources"`
	Features map[string]struct {
		Supported *bool  `yaml:"supported"`
		Note      string `yaml:"note"`
	} `yaml:"features"`
	Raw     yaml.Node `yaml:"raw"`
	Ignored string    `yaml:"-"`
	Plain   string    // no tag: the lower-cased name
}

func decode(t *testing.T, src string, first int) (page, []string) {
	t.Helper()
	var p page
	n, errs := Parse("f.yaml", []byte(src), first)
	if errs == nil {
		errs = Decode("f.yaml", n, &p)
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	return p, got
}

func TestDecode(t *testing.T) {
	src := `title: T
order: 3
draft: false
tags: [a, b]
sources:
  - {name: n, url: "https://a.example/"}
features:
  x: {supported: true, note: hi}
  y: {supported: ~}
raw: {any: [thing]}
plain: p
`
	p, errs := decode(t, src, 1)
	if errs != nil {
		t.Fatal(errs)
	}
	if p.Title != "T" || p.Order != 3 || p.Draft == nil || *p.Draft || p.Plain != "p" {
		t.Errorf("scalars: %+v", p)
	}
	if diff := cmp.Diff([]string{"a", "b"}, p.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]source{{"n", "https://a.example/"}}, p.Sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if x := p.Features["x"]; x.Supported == nil || !*x.Supported || x.Note != "hi" {
		t.Errorf("feature x: %+v", x)
	}
	if y, ok := p.Features["y"]; !ok || y.Supported != nil {
		t.Errorf("feature y: %+v (a null leaves the pointer nil)", y)
	}
	if p.Raw.Kind != yaml.MappingNode || p.Raw.Line != 10 || p.Raw.Column != 6 {
		t.Errorf("raw node at %d:%d, kind %v", p.Raw.Line, p.Raw.Column, p.Raw.Kind)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		first     int
		want      []string
	}{
		{"unknown key", "title: t\ncolour: red\n", 1, []string{`f.yaml:2:1: unknown key "colour"`}},
		{"unknown key, front matter", "title: t\ncolour: red\n", 2, []string{`f.yaml:3:1: unknown key "colour"`}},
		{"nested unknown key", "sources:\n  - name: n\n    link: x\n", 1, []string{`f.yaml:3:5: unknown key "link"`}},
		{"repeated key", "title: a\ntitle: b\n", 1, []string{`f.yaml:2:1: key "title" repeated`}},
		{"repeated map key", "features:\n  x: {}\n  x: {}\n", 1, []string{`f.yaml:3:3: key "x" repeated`}},
		{"not an int", "order: first\n", 1, []string{`f.yaml:1:8: order: cannot use "first" as int`}},
		{"not a bool", "features:\n  x: {supported: maybe}\n", 1, []string{`f.yaml:2:18: features.x.supported: cannot use "maybe" as bool`}},
		{"not a scalar", "title: [a, b]\n", 1, []string{"f.yaml:1:8: title: expected a single value, not a list"}},
		{"not a list", "tags: a\n", 1, []string{"f.yaml:1:7: tags: expected a list, not a value"}},
		{"not a mapping", "- a\n", 1, []string{"f.yaml:1:1: expected a mapping, not a list"}},
		{"item not a mapping", "sources: [x]\n", 1, []string{"f.yaml:1:11: sources: expected a mapping, not a value"}},
		{"key not a value", "? [a]\n: b\n", 1, []string{"f.yaml:1:3: a key must be a single value, not a list"}},
		{"every problem", "order: x\ncolour: 1\ntags: 2\n", 1, []string{`f.yaml:1:8: order: cannot use "x" as int`, `f.yaml:2:1: unknown key "colour"`, "f.yaml:3:7: tags: expected a list, not a value"}},
		// Syntax errors at their line and column (yaml/v3 gives the line
		// before the construct for a parser error, and no column).
		{"syntax", "title: t\n  summary: s\n", 1, []string{"f.yaml:2:10: mapping values are not allowed in this context"}},
		{"syntax, front matter", "title: t\n  summary: s\n", 2, []string{"f.yaml:3:10: mapping values are not allowed in this context"}},
		{"syntax on the first line", "a: b: c\n", 2, []string{"f.yaml:2:5: mapping values are not allowed in this context"}},
		{"syntax at the end", "title: \"t\n", 1, []string{"f.yaml:1:8: could not find end character of double-quoted text"}},
		{"unclosed [", "title: t\ntags: [a, b\norder: 1\n", 1, []string{`f.yaml:2:7: this '[' is never closed (at line 3, column 1: ',' or ']' must be specified)`}},
		{"unclosed [ on the first line", "tags: [a, b\norder: 1\n", 1, []string{`f.yaml:1:7: this '[' is never closed (at line 2, column 1: ',' or ']' must be specified)`}},
		{"unclosed {", "title: t\nsources: [{name: n\norder: 1\n", 3, []string{`f.yaml:4:11: this '{' is never closed (at line 5, column 1: ',' or '}' must be specified)`}},
		{"unclosed {, a key", "title: t\nfeatures: {x: 1\n", 1, []string{`f.yaml:2:11: this '{' is never closed`}},
		{"dedented key", "title: t\nfeatures:\n  x: 1\n y: 2\n", 1, []string{"f.yaml:4:2: value is not allowed in this context"}},
		{"tab", "title: t\n\tsummary: s\n", 1, []string{"f.yaml:2:1: found character '\\t' that cannot start any token"}},
		{"character after a column", "title: é: x\n", 1, []string{"f.yaml:1:9: mapping values are not allowed in this context"}},
		// A key given twice, which yaml/v3 takes, is not where goccy/go-yaml
		// may stop: the error is the bracket.
		{"repeated key before the error", "title: x\ntitle: y\nz: [a\n", 1, []string{`f.yaml:3:4: this '[' is never closed`}},
		// Where yaml/v3 names the wrong line, or none.
		{"list item without -", "a:\n  - b\n  c: d\n", 1, []string{"f.yaml:3:3: value is not allowed in this context"}},
		{"text after a quoted value", "a: 'x' y\n", 1, []string{"f.yaml:1:8: value is not allowed in this context. map key-value is pre-defined"}},
		{"stray ]", "x: [a, b]]\n", 1, []string{"f.yaml:1:10: value is not allowed in this context"}},
		{"reserved character", "a: @b\n", 1, []string{"f.yaml:1:4: '@' is a reserved character"}},
		{"unclosed quote", "x: 'abc\ny: 1\n", 1, []string{"f.yaml:1:4: could not find end character of single-quoted text"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, got := decode(t, tt.src, tt.first)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeAlias(t *testing.T) {
	p, errs := decode(t, "tags: &t [a]\nsources:\n  - &s {name: n, url: u}\n  - *s\nplain: &p x\ntitle: *p\n", 1)
	if errs != nil {
		t.Fatal(errs)
	}
	if p.Title != "x" || len(p.Sources) != 2 || p.Sources[1].Name != "n" {
		t.Errorf("aliases not followed: %+v", p)
	}
	// An alias of a list where a value belongs, even of itself, is an error, not a loop.
	if _, errs := decode(t, "tags: &t [*t]\n", 1); len(errs) != 1 {
		t.Errorf("recursive alias: %v", errs)
	}
}

func TestDecodeEmpty(t *testing.T) {
	p := page{Title: "kept"}
	n, errs := Parse("f.yaml", nil, 1)
	if n != nil || errs != nil {
		t.Fatalf("empty document: %v, %v", n, errs)
	}
	if errs := Decode("f.yaml", n, &p); errs != nil || p.Title != "kept" {
		t.Errorf("decoding nothing: %v, %+v", errs, p)
	}
	if errs := Decode("f.yaml", n, p); len(errs) != 1 {
		t.Errorf("a non-pointer target: %v", errs)
	}
}

func TestKey(t *testing.T) {
	n, _ := Parse("f.yaml", []byte("a: 1\nb: [2]\n"), 1)
	if v := Key(n, "b"); v == nil || v.Kind != yaml.SequenceNode || v.Line != 2 {
		t.Errorf("Key(b) = %+v", v)
	}
	if Key(n, "c") != nil || Key(nil, "a") != nil || Key(n.Content[1], "a") != nil {
		t.Error("Key found what is not there")
	}
}

func TestSplitFrontMatter(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		yml, body string
		bodyLine  int
		ok        bool
		err       string
	}{
		{"plain", "---\ntitle: t\n---\n# Body\n", "title: t\n", "# Body\n", 4, true, ""},
		{"crlf and trailing space", "--- \r\ntitle: t\r\n---\t\r\nbody", "title: t\r\n", "body", 4, true, ""},
		{"empty block", "---\n---\n", "", "", 3, true, ""},
		{"closed at the end", "---\na: 1\n---", "a: 1\n", "", 4, true, ""},
		{"none", "# Title\n---\n", "", "# Title\n---\n", 1, false, ""},
		{"empty file", "", "", "", 1, false, ""},
		{"unclosed", "---\ntitle: t\n", "", "", 0, true, `f.md:1:1: front matter opened with "---" is never closed`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			yml, body, line, ok, errs := SplitFrontMatter("f.md", []byte(tt.src))
			if tt.err != "" {
				if len(errs) != 1 || errs[0].Error() != tt.err {
					t.Errorf("errors %v, want %q", errs, tt.err)
				}
				return
			}
			if errs != nil || string(yml) != tt.yml || string(body) != tt.body || line != tt.bodyLine || ok != tt.ok {
				t.Errorf("got %q, %q, line %d, %v, %v; want %q, %q, line %d, %v", yml, body, line, ok, errs, tt.yml, tt.body, tt.bodyLine, tt.ok)
			}
		})
	}
}

// FuzzDecode: whatever the bytes, Parse and Decode return a value or
// diagnostics of the file at lines inside it, and never panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("title: T\norder: 3\ntags: [a, b]\nsources:\n  - {name: n, url: u}\nfeatures: {x: {supported: true}}\n"), 2)
	f.Add([]byte("a: &x [*x]\n? [k]\n: v\n"), 1)
	f.Fuzz(func(t *testing.T, src []byte, first int) {
		first = 1 + (first&0xff)%4
		n, errs := Parse("f", src, first)
		if errs == nil {
			var p page
			errs = Decode("f", n, &p)
		}
		lines := strings.Count(string(src), "\n") + first
		for _, e := range errs {
			if e.File != "f" || e.Line < first || e.Line > lines+1 {
				t.Fatalf("diagnostic %v outside lines %d–%d", e, first, lines)
			}
		}
	})
}
