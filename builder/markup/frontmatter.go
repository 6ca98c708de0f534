package markup

import (
	"net/url"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/yamlpos"
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
	// Verbatim marks an example whose policy document is kept as its
	// source prints it, mistakes included (a missing comma): it need not
	// be valid JSON, and its findings are the point of the page.
	Verbatim bool `yaml:"verbatim"`
}

// Source names a document a page draws its facts from.
type Source struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
}

// parseFrontMatter decodes the YAML of a front-matter block, which starts
// on line 2 of the file (line 1 is the opening "---").
func parseFrontMatter(name string, yml []byte) (*FrontMatter, error) {
	root, errs := yamlpos.Parse(name, yml, 2)
	if errs != nil {
		return nil, errs.Err()
	}
	if root == nil { // an empty block
		return nil, diag.At(name, 1, 1, "front matter: title is required")
	}
	if root.Kind != yaml.MappingNode {
		return nil, diag.At(name, root.Line, root.Column, "front matter must be a mapping of keys to values")
	}
	fm := &FrontMatter{}
	if errs := yamlpos.Decode(name, root, fm); errs != nil {
		return nil, errs.Err()
	}
	if fm.Title == "" {
		errs.Add(name, root.Line, root.Column, "front matter: title is required")
	}
	items := yamlpos.Key(root, "sources")
	for i, s := range fm.Sources {
		n := yamlpos.Resolve(items.Content[i])
		switch {
		case s.Name == "":
			errs.Add(name, n.Line, n.Column, "source: name is required")
		case s.URL == "":
			errs.Add(name, n.Line, n.Column, "source %q: url is required", s.Name)
		default:
			if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				at := n
				if v := yamlpos.Key(n, "url"); v != nil {
					at = v
				}
				errs.Add(name, at.Line, at.Column, "source %q: url %q is not an absolute http(s) URL", s.Name, s.URL)
			}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return fm, nil
}
