package markup

import (
	"bytes"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/internal/safeurl"
)

// linkSchemes are the schemes a link of a Markdown file may have; a link
// without a scheme is relative and always allowed.
var linkSchemes = []string{"http", "https", "mailto"}

// checkLinks reports every link, image and autolink of the tree whose
// destination has a scheme other than linkSchemes (javascript:, data:,
// vbscript:, file:), at the line and column of the link's text in file,
// whose body starts on line bodyLine: goldmark would defuse it into an
// empty link, and nobody would know which file to fix.
func checkLinks(file string, root ast.Node, body []byte, bodyLine int) diag.List {
	var errs diag.List
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest []byte
		what := "a link"
		switch n := n.(type) {
		case *ast.Link:
			dest = n.Destination
		case *ast.Image:
			dest, what = n.Destination, "an image"
		case *ast.AutoLink:
			dest = n.URL(body)
		default:
			return ast.WalkContinue, nil
		}
		if scheme := safeurl.Check(string(dest), linkSchemes...); scheme != "" {
			line, col := position(body, offset(n, body, dest), bodyLine)
			errs.Add(file, line, col, "%s to a %s: URL; links may be relative or go to http, https or mailto", what, scheme)
		}
		return ast.WalkContinue, nil
	})
	return errs
}

// offset is where in body the link n starts, as near as the tree tells:
// its first text, else where its destination is written; -1 when neither.
func offset(n ast.Node, body, dest []byte) int {
	var at = -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			at = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if at < 0 && len(dest) > 0 {
		at = bytes.Index(body, dest)
	}
	return at
}

// position is the line and column (in characters) of byte off of body,
// whose first line is line first; 0, 0 for a negative off.
func position(body []byte, off, first int) (line, col int) {
	if off < 0 || off > len(body) {
		return 0, 0
	}
	start := bytes.LastIndexByte(body[:off], '\n') + 1
	return first + bytes.Count(body[:off], []byte("\n")), utf8.RuneCount(body[start:off]) + 1
}

// checkRawHTML reports the raw HTML of the tree, which the site never
// passes through: goldmark would replace it with a comment, and what the
// author wrote would be gone from the page without a word ("a <key>
// placeholder" is an HTML tag to Markdown). HTML comments are left alone:
// they are meant not to show.
func checkRawHTML(file string, root ast.Node, body []byte, bodyLine int) diag.List {
	var errs diag.List
	report := func(off int, raw []byte) {
		if bytes.HasPrefix(raw, []byte("<!--")) {
			return
		}
		tag, _, _ := bytes.Cut(bytes.TrimSpace(raw), []byte("\n"))
		if utf8.RuneCount(tag) > 40 {
			tag = []byte(string([]rune(string(tag))[:40]) + "…")
		}
		line, col := position(body, off, bodyLine)
		errs.Add(file, line, col, "raw HTML %q is not shown: pages render Markdown only (write \\< for a literal <, or `code`)", tag)
	}
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			if n.HTMLBlockType == ast.HTMLBlockType2 || n.Lines().Len() == 0 {
				return ast.WalkSkipChildren, nil
			}
			s := n.Lines().At(0)
			report(s.Start, s.Value(body))
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			if n.Segments.Len() > 0 {
				s := n.Segments.At(0)
				report(s.Start, s.Value(body))
			}
		}
		return ast.WalkContinue, nil
	})
	return errs
}
