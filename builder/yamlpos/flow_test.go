package yamlpos

import (
	"fmt"
	"strings"
	"testing"
)

func TestUnclosedFlow(t *testing.T) {
	for _, tt := range []struct {
		src       string
		line, col int // where the parser gave up
		want      string
	}{
		{"title: t\ntags: [a, b\norder: 1\n", 3, 1, "2:7["},
		{"tags: [a, {b: c}\nx: 1\n", 2, 1, "1:7["},
		{"tags: [a, {b: c\nx: 1\n", 2, 1, "1:11{"},
		{"tags: [a, b]\nx: {y: 1\n", 3, 1, "2:4{"},
		{"tags: [a, b]\nx: 1\n", 3, 1, ""},
		{"title: a[b\nx: [\n", 3, 1, "2:4["},
		{"title: \"a [b\"\nx: 'it''s [' \ny: [\n", 4, 1, "3:4["},
		{"title: it's [x\n", 2, 1, ""},
		{"# a [ comment\nx: [a # b ]\n", 3, 1, "2:4["},
		{"summary: |\n  text with [ and {\nx: [\n", 4, 1, "3:4["},
		{"- [a, b\n- c\n", 2, 3, "1:3["},
		{"x: {y: 1\n", 1, 4, "1:4{"}, // the bracket where the parser stopped
		{"x: é[\ny: {\n", 3, 1, "2:4{"},
		{"x: [\"a]\n", 2, 1, "1:4["},
	} {
		l, c, b, ok := unclosedFlow(tt.src, tt.line, tt.col)
		got := ""
		if ok {
			got = fmt.Sprintf("%d:%d%c", l, c, b)
		}
		if got != tt.want {
			t.Errorf("unclosedFlow(%q, %d, %d) = %q, want %q", tt.src, tt.line, tt.col, got, tt.want)
		}
	}
}

// FuzzSyntaxError: whatever yaml/v3 rejects gets a diagnostic at a line of
// the document (and the locators never panic).
func FuzzSyntaxError(f *testing.F) {
	for _, s := range []string{"tags: [a, b\nx: 1\n", "a: b: c\n", "x: {y: [1, {z: \"q\n", "title: t\n  summary: s\n", "- [\n- '\n", "a: |\n  [\nb: [\n"} {
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, src string, first int) {
		first = 1 + (first & 7)
		_, errs := Parse("f.yaml", []byte(src), first)
		for _, d := range errs {
			// YAML breaks lines at \n, \r\n and a lone \r.
			lines := 1 + strings.Count(strings.ReplaceAll(src, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(src, "\r\n", "\n"), "\r")
			if d.Line < first || d.Line > first+lines || d.Col < 0 || d.Msg == "" {
				t.Fatalf("diagnostic %v outside the document of %d lines from line %d", d, lines, first)
			}
		}
	})
}
