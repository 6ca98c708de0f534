package markup

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/alecthomas/chroma/v2"
)

// writeJSONHTML writes the tokens of jsonTokens or jsonLineTokens as
// chroma's HTML formatter writes them with the options formatterFor gives
// (classes, no prefix, no standalone page, line numbers inline rather than
// in a table): byte for byte the same output, without the formatter's
// reflection-free but allocating path (fmt for every token and line, a copy
// of every token split into lines, an escaped copy of every value), which
// cost about 8 % of a full build's CPU for the 30,000 policies it
// highlights. TestJSONHTMLMatchesChroma and FuzzJSONHTML compare the two
// on every option set.
//
// It returns false, having written nothing, for a token it has no class
// for (jsonTokens makes only the types of jsonClasses) or an empty token
// (which chroma's line splitting treats specially); the caller then uses
// chroma's formatter.
func writeJSONHTML(buf *bytes.Buffer, toks []chroma.Token, l jsonLayout) bool {
	for _, t := range toks {
		if _, ok := jsonClasses[t.Type]; !ok || t.Value == "" {
			return false
		}
	}
	lineDigits, marks := 0, highlightRanges(nil)
	if l.lines {
		n := 0
		last := byte('\n')
		for _, t := range toks {
			n += strings.Count(t.Value, "\n")
			last = t.Value[len(t.Value)-1]
		}
		if last != '\n' {
			n++ // the last line has no newline
		}
		lineDigits = len(strconv.Itoa(n))
		if len(l.marks) > 0 {
			// chroma's HighlightLines sorts its ranges the same way.
			marks = append(highlightRanges(nil), l.marks...)
			sort.Sort(marks)
		}
	}
	if l.pre {
		buf.WriteString(`<pre class="chroma"><code>`)
	}
	line, markIndex := 0, 0
	open := false // a line's elements are open
	for _, t := range toks {
		class := jsonClasses[t.Type]
		v := t.Value
		for v != "" {
			piece := v
			if i := strings.IndexByte(v, '\n'); i >= 0 {
				piece = v[:i+1]
			}
			v = v[len(piece):]
			if l.lines && !open {
				line++
				var mark bool
				mark, markIndex = marks.at(markIndex, line)
				writeLineStart(buf, line, lineDigits, l, mark)
				open = true
			}
			if class != "" {
				buf.WriteString(`<span class="`)
				buf.WriteString(class)
				buf.WriteString(`">`)
				escapeHTML(buf, piece, l.quotes)
				buf.WriteString(`</span>`)
			} else {
				escapeHTML(buf, piece, l.quotes)
			}
			if l.lines && piece[len(piece)-1] == '\n' {
				buf.WriteString(`</span></span>`)
				open = false
			}
		}
	}
	if open {
		buf.WriteString(`</span></span>`)
	}
	if l.pre {
		buf.WriteString(`</code></pre>`)
	}
	return true
}

// jsonLayout is what of chroma's formatter options writeJSONHTML follows.
type jsonLayout struct {
	pre     bool     // wrap in <pre class="chroma"><code>
	lines   bool     // an element per line
	numbers bool     // each line's number (LineNumbers); needs lines
	prefix  string   // the numbers link to ids prefix+n (LineAnchorPrefix); needs numbers
	marks   [][2]int // lines marked (HighlightLines); needs lines
	quotes  bool     // escape quotes (chroma does; HighlightJSONLines takes them back out)
}

// writeLineStart writes what chroma's formatter writes before a line's
// tokens when line numbers are inline.
func writeLineStart(buf *bytes.Buffer, line, digits int, l jsonLayout, mark bool) {
	if mark {
		buf.WriteString(`<span class="line hl">`)
	} else {
		buf.WriteString(`<span class="line">`)
	}
	if !l.numbers {
		buf.WriteString(`<span class="cl">`)
		return
	}
	prefix := l.prefix
	var num [20]byte
	n := strconv.AppendInt(num[:0], int64(line), 10)
	buf.WriteString(`<span class="ln"`)
	if prefix != "" {
		buf.WriteString(` id="`)
		buf.WriteString(prefix)
		buf.Write(n)
		buf.WriteString(`"><a class="lnlinks" href="#`)
		buf.WriteString(prefix)
		buf.Write(n)
		buf.WriteString(`">`)
	} else {
		buf.WriteByte('>')
	}
	for range digits - len(n) { // fmt's %*d
		buf.WriteByte(' ')
	}
	buf.Write(n)
	if prefix != "" {
		buf.WriteString(`</a>`)
	}
	buf.WriteString(`</span><span class="cl">`)
}

// highlightRanges are chroma's marked line ranges, sorted by first line as
// chroma sorts them (sort.Sort with the same Less, so ranges that start on
// the same line end up in the same order).
type highlightRanges [][2]int

func (h highlightRanges) Len() int           { return len(h) }
func (h highlightRanges) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h highlightRanges) Less(i, j int) bool { return h[i][0] < h[j][0] }

// at is chroma's shouldHighlight: whether line is marked, and the index of
// the range to look at for the next line.
func (h highlightRanges) at(i, line int) (bool, int) {
	for i < len(h) && line > h[i][1] {
		i++
	}
	return i < len(h) && line >= h[i][0] && line <= h[i][1], i
}

// jsonClasses are the classes chroma's formatter gives the token types
// of the JSON tokenisers, found as it finds them (Formatter.class: the
// type's own class in chroma.StandardTypes, or its nearest parent's).
var jsonClasses = func() map[chroma.TokenType]string {
	m := map[chroma.TokenType]string{}
	for _, t := range []chroma.TokenType{chroma.Text, chroma.Punctuation, chroma.NameTag, chroma.LiteralStringDouble,
		chroma.LiteralNumberInteger, chroma.LiteralNumberFloat, chroma.KeywordConstant} {
		m[t] = chromaClass(t)
	}
	return m
}()

func chromaClass(t chroma.TokenType) string {
	for t != 0 {
		if cls, ok := chroma.StandardTypes[t]; ok {
			return cls
		}
		t = t.Parent()
	}
	return chroma.StandardTypes[t]
}

// escapeHTML writes s escaped as html.EscapeString escapes it (&, <, >, '
// and, when quotes, " as &#34;), without a copy.
func escapeHTML(buf *bytes.Buffer, s string, quotes bool) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\'':
			esc = "&#39;"
		case '"':
			if !quotes {
				continue
			}
			esc = "&#34;"
		default:
			continue
		}
		buf.WriteString(s[last:i])
		buf.WriteString(esc)
		last = i + 1
	}
	buf.WriteString(s[last:])
}
