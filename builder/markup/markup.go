// Package markup turns Markdown and code into safe HTML for the site.
//
// A Renderer, built once by New, converts a Markdown file with YAML front
// matter into a Document: the front matter, the HTML body and the list of
// headings (for a table of contents and for indexing guide sections in
// search). The Markdown dialect is CommonMark plus GFM tables and
// strikethrough. Raw HTML in the source is never passed through, and is an
// error at its place rather than dropped unseen (HTML comments excepted).
// Headings
// get stable ids and a self-link; fenced code blocks are highlighted by
// chroma with CSS classes only, never inline styles, because the site's
// Content-Security-Policy forbids them. CSS returns the matching stylesheet
// and Highlight highlights code outside Markdown, such as policy JSON.
//
// Front matter sits between two "---" lines at the very top of the file:
//
//	---
//	title: Controlling access to the Amazon Chime console   # required
//	summary: One or two sentences.
//	service: chime            # service prefix
//	order: 2                  # sort key among guides
//	sources:
//	  - name: Amazon Chime Administration Guide
//	    url: https://docs.aws.amazon.com/chime/latest/ag/control-access.html
//	---
//
// Unknown keys are errors, and so are links to URLs of a scheme other
// than http, https and mailto (javascript:, data:). Errors are diagnostics (package diag) naming the
// file, line and column: "file:line:col: message".
package markup

import (
	"bytes"
	"html/template"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/yamlpos"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
)

// Document is a rendered Markdown file.
type Document struct {
	FrontMatter
	HTML     template.HTML
	Headings []Heading
}

// Renderer converts Markdown files to Documents. It is safe for concurrent
// use; build one with New and reuse it.
type Renderer struct {
	md goldmark.Markdown
}

// New returns a Renderer.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			// Cell alignment as a class (see alignCells), not the
			// default style attribute, which the CSP would block.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
			extension.Strikethrough,
		),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(
			// Below 1000, goldmark's default HTML renderer: lower wins.
			util.Prioritized(&codeBlockRenderer{f: chromahtml.New(chromahtml.WithClasses(true))}, 100),
			util.Prioritized(headingRenderer{}, 100),
		)),
	)
	return &Renderer{md: md}
}

// Render converts the Markdown file src, named name in error messages. The
// file must start with front matter carrying a title.
func (r *Renderer) Render(name string, src []byte) (*Document, error) {
	yml, body, bodyLine, ok, errs := yamlpos.SplitFrontMatter(name, src)
	if errs != nil {
		return nil, errs.Err()
	}
	if !ok {
		return nil, diag.At(name, 1, 1, `missing front matter: the file must start with a "---" line`)
	}
	fm, err := parseFrontMatter(name, yml)
	if err != nil {
		return nil, err
	}
	root := r.md.Parser().Parse(text.NewReader(body))
	if errs := append(checkLinks(name, root, body, bodyLine), checkRawHTML(name, root, body, bodyLine)...); errs != nil {
		errs.Sort()
		return nil, errs.Err()
	}
	alignCells(root)
	doc := &Document{FrontMatter: *fm, Headings: collectHeadings(root, body)}
	var buf bytes.Buffer
	if err := r.md.Renderer().Render(&buf, body, root); err != nil {
		return nil, diag.At(name, 0, 0, "%v", err)
	}
	doc.HTML = template.HTML(buf.String())
	return doc, nil
}

// alignCells gives each aligned table cell the class "align-left",
// "align-center" or "align-right"; CSS styles them.
func alignCells(root ast.Node) {
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if c, ok := n.(*east.TableCell); ok && entering && c.Alignment != east.AlignNone {
			c.SetAttributeString("class", []byte("align-"+c.Alignment.String()))
		}
		return ast.WalkContinue, nil
	})
}
