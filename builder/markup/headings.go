package markup

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Heading is one heading of a document, in document order.
type Heading struct {
	Level int    // 1 to 6
	ID    string // the id attribute, unique within the document
	Text  string // the heading as plain text
	// Body is the plain text of the section under the heading, up to the
	// next heading of any level: whitespace collapsed, code blocks left
	// out, cut to at most maxBodyRunes runes at a word boundary.
	Body string
}

// maxBodyRunes bounds Heading.Body; search snippets need no more.
const maxBodyRunes = 400

// collectHeadings gives every heading of the tree an id attribute and
// returns the headings with their section text. IDs come from the heading's
// plain text, lower-cased, with each run of other characters turned into
// one hyphen; a repeat gets "-1", "-2", … in document order.
func collectHeadings(root ast.Node, src []byte) []Heading {
	var (
		headings []Heading
		body     strings.Builder
		used     = map[string]bool{}
	)
	flush := func() {
		if len(headings) > 0 {
			headings[len(headings)-1].Body = truncate(collapseSpace(body.String()), maxBodyRunes)
		}
		body.Reset()
	}
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			flush()
			text := collapseSpace(plainText(n, src))
			id := uniqueID(slug(text), used)
			n.SetAttributeString("id", []byte(id))
			headings = append(headings, Heading{Level: n.Level, ID: id, Text: text})
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			body.WriteByte(' ')
			return ast.WalkSkipChildren, nil
		}
		if n.Type() == ast.TypeBlock {
			body.WriteByte(' ')
			return ast.WalkContinue, nil
		}
		if n.Type() == ast.TypeInline {
			body.WriteString(plainText(n, src))
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	flush()
	return headings
}

// plainText returns the text an inline node or the inlines under a block
// show to a reader, without markup. Raw HTML is left out, as it is from
// the rendered page.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		switch n := n.(type) {
		case *ast.Text:
			b.Write(resolveText(n.Segment.Value(src)))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
			return
		case *ast.String:
			b.Write(n.Value)
			return
		case *ast.CodeSpan:
			// Code keeps its backslashes and ampersands literally.
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(t.Segment.Value(src))
				} else if s, ok := c.(*ast.String); ok {
					b.Write(s.Value)
				}
			}
			return
		case *ast.AutoLink:
			b.Write(n.Label(src))
			return
		case *ast.RawHTML:
			return
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// resolveText turns Markdown text into what it displays: backslash
// escapes and character references resolved.
func resolveText(v []byte) []byte {
	v = util.UnescapePunctuations(v)
	v = util.ResolveNumericReferences(v)
	return util.ResolveEntityNames(v)
}

// slug makes an id from heading text: lower-case letters and digits, other
// runs turned into single hyphens, none at either end.
func slug(text string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		hyphen = true
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

// uniqueID returns id, or id-1, id-2, … whichever is first unused, and
// marks it used.
func uniqueID(id string, used map[string]bool) string {
	cand := id
	for i := 1; used[cand]; i++ {
		cand = id + "-" + strconv.Itoa(i)
	}
	used[cand] = true
	return cand
}

// collapseSpace trims s and turns each run of white space into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// truncate cuts s to at most max runes, at the last space before the limit
// when there is one, and marks the cut with an ellipsis (counted in max).
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	// Byte offset of rune number max-1 (room for the ellipsis).
	cut, n := 0, 0
	for i := range s {
		if n == max-1 {
			cut = i
			break
		}
		n++
	}
	s = s[:cut]
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ") + "…"
}

// headingRenderer writes headings with their id and a self-link anchor.
// It replaces goldmark's default renderer for ast.KindHeading.
type headingRenderer struct{}

func (headingRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, renderHeading)
}

func renderHeading(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	var id string
	if v, ok := n.AttributeString("id"); ok {
		if b, ok := v.([]byte); ok {
			id = html.EscapeString(string(b))
		}
	}
	var err error
	if entering {
		_, err = fmt.Fprintf(w, `<h%d id="%s">`, n.Level, id)
	} else {
		_, err = fmt.Fprintf(w, " <a class=\"anchor\" href=\"#%s\" aria-label=\"Link to this section\">#</a></h%d>\n", id, n.Level)
	}
	return ast.WalkContinue, err
}
