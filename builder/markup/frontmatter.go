package markup

import (
	"bytes"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/iamref/iamref/builder/diag"
	"go.yaml.in/yaml/v3"
)

// FrontMatter is the YAML block between "---" lines at the top of a
// Markdown file. Every key is optional except title; a key not listed here
// is an error, so a misspelt key cannot silently drop a value.
type FrontMatter struct {
	Title   string   `yaml:"title"`   // page title, required
	Summary string   `yaml:"summary"` // one or two sentences for listings and meta descriptions
	Service string   `yaml:"service"` // service prefix the page belongs to, such as "chime"
	Order   int      `yaml:"order"`   // sort key among sibling pages (guides)
	Sources []Source `yaml:"sources"` // where the facts on the page come from
}

// Source names a document a page draws its facts from.
type Source struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
}

// splitFrontMatter separates a leading front-matter block from the Markdown
// body. It reports ok=false when src does not start with a "---" line. The
// returned yaml excludes both delimiter lines; body is everything after the
// closing one.
func splitFrontMatter(name string, src []byte) (yml, body []byte, ok bool, err error) {
	first, rest, _ := cutLine(src)
	if !isDelim(first) {
		return nil, src, false, nil
	}
	start := len(src) - len(rest)
	for off := start; off < len(src); {
		line, next, _ := cutLine(src[off:])
		if isDelim(line) {
			return src[start:off], src[len(src)-len(next):], true, nil
		}
		off = len(src) - len(next)
	}
	return nil, nil, true, diag.At(name, 1, 1, `front matter opened with "---" is never closed`)
}

// cutLine returns the first line of b without its line ending, and the rest.
func cutLine(b []byte) (line, rest []byte, found bool) {
	line, rest, found = bytes.Cut(b, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), rest, found
}

func isDelim(line []byte) bool {
	return string(bytes.TrimRight(line, " \t")) == "---"
}

// yamlLineRE matches the position prefix of yaml.v3 syntax errors, which
// carry a line but no column. The line is yaml.v3's: for a few parser
// errors (an unclosed flow sequence, say) it names the line where the
// construct opened rather than where parsing failed.
var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseFrontMatter decodes the YAML of a front-matter block. The block
// starts on line 2 of the file (line 1 is the opening "---"), so positions
// are shifted by one to point into the file.
func parseFrontMatter(name string, yml []byte) (*FrontMatter, error) {
	const lineOffset = 1
	errAt := func(line, col int, format string, args ...any) error {
		return diag.At(name, line+lineOffset, col, format, args...)
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(yml, &doc); err != nil {
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, errAt(line, 1, "%s", m[2])
		}
		return nil, errAt(1, 1, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	fm := &FrontMatter{}
	if len(doc.Content) == 0 { // empty block
		return nil, errAt(0, 1, "front matter: title is required")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errAt(root.Line, root.Column, "front matter must be a mapping of keys to values")
	}

	err := decodeMapping(root, errAt, map[string]func(*yaml.Node) error{
		"title":   scalarInto(&fm.Title, errAt),
		"summary": scalarInto(&fm.Summary, errAt),
		"service": scalarInto(&fm.Service, errAt),
		"order":   scalarInto(&fm.Order, errAt),
		"sources": func(v *yaml.Node) error {
			if v.Kind != yaml.SequenceNode {
				return errAt(v.Line, v.Column, "sources must be a list of {name, url}")
			}
			for _, item := range v.Content {
				s, err := decodeSource(item, errAt)
				if err != nil {
					return err
				}
				fm.Sources = append(fm.Sources, s)
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	if fm.Title == "" {
		return nil, errAt(root.Line, root.Column, "front matter: title is required")
	}
	return fm, nil
}

type errAtFunc func(line, col int, format string, args ...any) error

// decodeMapping calls the handler of each key of a mapping node, rejecting
// unknown and repeated keys at their position.
func decodeMapping(m *yaml.Node, errAt errAtFunc, fields map[string]func(*yaml.Node) error) error {
	seen := make(map[string]bool, len(fields))
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		handle, ok := fields[k.Value]
		if !ok || k.Kind != yaml.ScalarNode {
			return errAt(k.Line, k.Column, "unknown key %q", k.Value)
		}
		if seen[k.Value] {
			return errAt(k.Line, k.Column, "key %q repeated", k.Value)
		}
		seen[k.Value] = true
		if err := handle(v); err != nil {
			return err
		}
	}
	return nil
}

// scalarInto returns a handler that decodes a scalar node into dst.
func scalarInto[T any](dst *T, errAt errAtFunc) func(*yaml.Node) error {
	return func(v *yaml.Node) error {
		if v.Kind != yaml.ScalarNode {
			return errAt(v.Line, v.Column, "expected a single value, not a %s", kindName(v.Kind))
		}
		if err := v.Decode(dst); err != nil {
			return errAt(v.Line, v.Column, "cannot use %q as %T", v.Value, *dst)
		}
		return nil
	}
}

func decodeSource(n *yaml.Node, errAt errAtFunc) (Source, error) {
	var s Source
	if n.Kind != yaml.MappingNode {
		return s, errAt(n.Line, n.Column, "a source must be a mapping with name and url")
	}
	var urlNode *yaml.Node
	err := decodeMapping(n, errAt, map[string]func(*yaml.Node) error{
		"name": scalarInto(&s.Name, errAt),
		"url": func(v *yaml.Node) error {
			urlNode = v
			return scalarInto(&s.URL, errAt)(v)
		},
	})
	if err != nil {
		return s, err
	}
	if s.Name == "" {
		return s, errAt(n.Line, n.Column, "source: name is required")
	}
	if s.URL == "" {
		return s, errAt(n.Line, n.Column, "source %q: url is required", s.Name)
	}
	if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return s, errAt(urlNode.Line, urlNode.Column, "source %q: url %q is not an absolute http(s) URL", s.Name, s.URL)
	}
	return s, nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	case yaml.AliasNode:
		return "alias"
	}
	return "value"
}
