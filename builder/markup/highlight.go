package markup

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Style names of the generated stylesheet: light by default, dark inside
// a prefers-color-scheme media query.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

// HighlightOptions controls Highlight.
type HighlightOptions struct {
	// LineNumbers adds a line-number gutter.
	LineNumbers bool
	// LineAnchorPrefix, when set, gives each line's number an id
	// "<prefix><n>" (for example "L12") and makes it a link to itself, so a
	// page can link to a line. It implies LineNumbers. Use a different
	// prefix for each block on a page so the ids stay unique. It must start
	// with an ASCII letter and hold only ASCII letters, digits, '-' and '_'.
	LineAnchorPrefix string
	// HighlightLines marks the given 1-based, inclusive line ranges (for
	// example the lines of a linter finding).
	HighlightLines [][2]int
}

var anchorPrefixRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// Highlight renders code in the given language as HTML with chroma CSS
// classes (never inline styles; see CSS). An unknown or empty language
// gives plain escaped text, still with line numbers and anchors when asked.
func Highlight(code, lang string, opts HighlightOptions) (template.HTML, error) {
	if opts.LineAnchorPrefix != "" && !anchorPrefixRE.MatchString(opts.LineAnchorPrefix) {
		return "", fmt.Errorf("highlight: invalid line anchor prefix %q", opts.LineAnchorPrefix)
	}
	f := formatterFor(opts)
	lexer := lexerFor(lang)
	if lexer == nil {
		if !opts.LineNumbers && opts.LineAnchorPrefix == "" && len(opts.HighlightLines) == 0 {
			return template.HTML(plainCode(code)), nil
		}
		// Line numbers, anchors and marks need chroma's line structure.
		lexer = lexerFor("plaintext")
	}
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	if strings.EqualFold(strings.TrimSpace(lang), "json") {
		if toks, ok := jsonTokens(sanitizeCode(code)); ok {
			if writeJSONHTML(buf, toks, layoutFor(opts, true)) {
				return template.HTML(buf.String()), nil
			}
			if err := f.Format(buf, styles.Get(lightStyle), chroma.Literator(toks...)); err != nil {
				return "", fmt.Errorf("highlight %s: %w", lang, err)
			}
			return template.HTML(buf.String()), nil
		}
	}
	if err := format(buf, f, lexer, code); err != nil {
		return "", fmt.Errorf("highlight %s: %w", lang, err)
	}
	return template.HTML(buf.String()), nil
}

// layoutFor is what formatterFor's formatter does, for writeJSONHTML.
func layoutFor(opts HighlightOptions, quotes bool) jsonLayout {
	numbers := opts.LineNumbers || opts.LineAnchorPrefix != ""
	return jsonLayout{
		pre:     true,
		lines:   numbers || len(opts.HighlightLines) > 0,
		numbers: numbers,
		prefix:  opts.LineAnchorPrefix,
		marks:   opts.HighlightLines,
		quotes:  quotes,
	}
}

// buffers are Highlight's output buffers. Highlighted HTML is about ten
// times the code; a buffer grown from empty for each of the 23,000
// policies of a full build allocated twice that again.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 { // a rare huge document: let it go
		return
	}
	buf.Reset()
	buffers.Put(buf)
}

// formatters caches one formatter per option set without marked lines: a
// formatter builds its style table on first use, which costs more than
// formatting a small document. chroma's formatter is safe for concurrent use.
var formatters sync.Map // formatterKey → *chromahtml.Formatter

type formatterKey struct {
	lineNumbers bool
	prefix      string
}

func formatterFor(opts HighlightOptions) *chromahtml.Formatter {
	key := formatterKey{opts.LineNumbers || opts.LineAnchorPrefix != "", opts.LineAnchorPrefix}
	if len(opts.HighlightLines) == 0 {
		if f, ok := formatters.Load(key); ok {
			return f.(*chromahtml.Formatter)
		}
	}
	fopts := []chromahtml.Option{chromahtml.WithClasses(true)}
	if key.lineNumbers {
		fopts = append(fopts, chromahtml.WithLineNumbers(true))
	} else if len(opts.HighlightLines) == 0 {
		// Without numbers or marks a line needs no element of its own:
		// the newlines inside <pre> break the lines. chroma wraps lines
		// unless told to leave out the <pre>, so leave it out and put it
		// back with the same wrapper. That halves the markup of the
		// 21,123 minimal policies.
		fopts = append(fopts, chromahtml.PreventSurroundingPre(true), chromahtml.WithPreWrapper(codeBlock{}))
	}
	if opts.LineAnchorPrefix != "" {
		fopts = append(fopts, chromahtml.WithLinkableLineNumbers(true, opts.LineAnchorPrefix))
	}
	if len(opts.HighlightLines) > 0 {
		// The formatter sorts the ranges in place: give it a copy.
		fopts = append(fopts, chromahtml.HighlightLines(append([][2]int(nil), opts.HighlightLines...)))
		return chromahtml.New(fopts...)
	}
	f, _ := formatters.LoadOrStore(key, chromahtml.New(fopts...))
	return f.(*chromahtml.Formatter)
}

// codeBlock is chroma's own <pre><code> wrapper, for formatters that do
// not wrap each line (chroma ties the two together).
type codeBlock struct{}

func (codeBlock) Start(code bool, styleAttr string) string {
	if code {
		return "<pre" + styleAttr + "><code>"
	}
	return "<pre" + styleAttr + ">"
}

func (codeBlock) End(code bool) string {
	if code {
		return "</code></pre>"
	}
	return "</pre>"
}

// format tokenises code with lexer and writes it through f.
func format(buf *bytes.Buffer, f *chromahtml.Formatter, lexer chroma.Lexer, code string) error {
	it, err := lexer.Tokenise(nil, sanitizeCode(code))
	if err != nil {
		return err
	}
	// With classes the style only feeds the formatter's internal cache; the
	// output names classes, and CSS supplies the colours.
	return f.Format(buf, styles.Get(lightStyle), it)
}

// plainCode is the output for code without a lexer.
func plainCode(code string) string {
	return "<pre><code>" + html.EscapeString(sanitizeCode(code)) + "</code></pre>\n"
}

// sanitizeCode replaces NUL, which HTML forbids, as goldmark does in text.
func sanitizeCode(code string) string {
	return strings.ReplaceAll(code, "\x00", "\uFFFD")
}

// lexerCacheMax bounds the lexer cache: info strings come from content, and
// a typo-ridden corpus must not grow it without limit.
const lexerCacheMax = 256

// lexerCache maps a lower-cased language name to its coalesced lexer, or to
// nil for a miss; misses are the expensive case in lexers.Get.
var lexerCache struct {
	sync.RWMutex
	m map[string]chroma.Lexer
}

// lexerFor resolves a language name to a lexer once, or returns nil.
func lexerFor(lang string) chroma.Lexer {
	key := strings.ToLower(strings.TrimSpace(lang))
	if key == "" {
		return nil
	}
	lexerCache.RLock()
	l, ok := lexerCache.m[key]
	lexerCache.RUnlock()
	if ok {
		return l
	}
	if l = lexers.Get(key); l != nil {
		l = chroma.Coalesce(l)
	}
	lexerCache.Lock()
	defer lexerCache.Unlock()
	if lexerCache.m == nil {
		lexerCache.m = make(map[string]chroma.Lexer)
	}
	if len(lexerCache.m) < lexerCacheMax {
		lexerCache.m[key] = l
	}
	return l
}

// CSS returns the stylesheet for the classes this package puts in its
// output: chroma's classes for Highlight and Markdown code blocks, with the
// light style by default and the dark style inside
// @media (prefers-color-scheme: dark), and the table-cell alignment
// classes. The output is the same on every call.
func CSS() []byte { return bytes.Clone(cssOnce()) }

var cssOnce = sync.OnceValue(func() []byte {
	// Line numbers on, so the rules for targeted (#L12) lines are included.
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithLineNumbers(true))
	light, dark := styles.Get(lightStyle), styles.Get(darkStyle)
	// Writes to a bytes.Buffer cannot fail: the errors are ignored.
	var buf, darkBuf bytes.Buffer
	fmt.Fprintf(&buf, "/* Generated by builder/markup from the chroma styles %q and %q. */\n", lightStyle, darkStyle)
	_ = f.WriteCSS(&buf, light)
	_ = f.WriteCSS(&darkBuf, dark)
	writeResets(&darkBuf, light, dark)
	buf.WriteString("@media (prefers-color-scheme: dark) {\n")
	for line := range strings.Lines(darkBuf.String()) {
		buf.WriteString("  ")
		buf.WriteString(line)
	}
	buf.WriteString("}\n")
	buf.WriteString("/* Markdown table cell alignment */\n")
	for _, a := range []string{"left", "center", "right"} {
		fmt.Fprintf(&buf, "td.align-%[1]s, th.align-%[1]s { text-align: %[1]s }\n", a)
	}
	return buf.Bytes()
})

// writeResets undoes, for dark mode, the text properties the light style
// gives a token class and the dark style does not, so that no light colour
// or weight leaks into dark mode. It writes only properties dark leaves
// unset, so it never overrides a dark rule.
func writeResets(buf *bytes.Buffer, light, dark *chroma.Style) {
	lightBg, darkBg := light.Get(chroma.Background), dark.Get(chroma.Background)
	var types []chroma.TokenType
	for t, class := range chroma.StandardTypes {
		if t != chroma.Background && t != chroma.PreWrapper && class != "" {
			types = append(types, t)
		}
	}
	slices.Sort(types)
	for _, t := range types {
		l, d := light.Get(t).Sub(lightBg), dark.Get(t).Sub(darkBg)
		var props []string
		if l.Colour.IsSet() && !d.Colour.IsSet() {
			props = append(props, "color: inherit")
		}
		if l.Background.IsSet() && !d.Background.IsSet() {
			props = append(props, "background-color: transparent")
		}
		if l.Bold == chroma.Yes && d.Bold != chroma.Yes {
			props = append(props, "font-weight: normal")
		}
		if l.Italic == chroma.Yes && d.Italic != chroma.Yes {
			props = append(props, "font-style: normal")
		}
		if l.Underline == chroma.Yes && d.Underline != chroma.Yes {
			props = append(props, "text-decoration: none")
		}
		if len(props) > 0 {
			fmt.Fprintf(buf, "/* %s: reset light */ .chroma .%s { %s }\n", t, chroma.StandardTypes[t], strings.Join(props, "; "))
		}
	}
}

// codeBlockRenderer renders fenced code blocks through chroma. It replaces
// goldmark's default renderer for ast.KindFencedCodeBlock.
type codeBlockRenderer struct {
	f *chromahtml.Formatter
}

func (r *codeBlockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.render)
}

func (r *codeBlockRenderer) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	var code strings.Builder
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		code.Write(seg.Value(src))
	}
	lexer := lexerFor(string(n.Language(src)))
	if lexer == nil {
		_, err := w.WriteString(plainCode(code.String()))
		return ast.WalkSkipChildren, err
	}
	var buf bytes.Buffer
	if err := format(&buf, r.f, lexer, code.String()); err != nil {
		return ast.WalkStop, err
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return ast.WalkSkipChildren, err
}
