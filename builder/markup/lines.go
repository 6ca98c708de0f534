package markup

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

// HighlightJSONLines highlights lines of pretty-printed JSON one by one,
// with the classes Highlight gives the same tokens, for a view that shows
// some lines of a document only (a line diff). A line need not be valid
// JSON on its own: a string followed by ':' is a key, other strings are
// strings, and numbers, true, false and null are what they are.
func HighlightJSONLines(lines []string) ([]template.HTML, error) {
	out := make([]template.HTML, len(lines))
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	for i, l := range lines {
		buf.Reset()
		// Quotes left as they are, which chroma's formatter escapes and
		// the replacement below takes back.
		if writeJSONHTML(buf, jsonLineTokens(sanitizeCode(l)), jsonLayout{}) {
			out[i] = template.HTML(strings.TrimSuffix(buf.String(), "\n"))
			continue
		}
		if err := lineFormatter.Format(buf, styles.Get(lightStyle), chroma.Literator(jsonLineTokens(sanitizeCode(l))...)); err != nil {
			return nil, err
		}
		// chroma escapes quotes as &#34;; in element content a quote
		// needs no escape, and policy documents are mostly quotes.
		out[i] = template.HTML(strings.ReplaceAll(strings.TrimSuffix(buf.String(), "\n"), "&#34;", `"`))
	}
	return out, nil
}

// lineFormatter writes tokens as spans with classes and nothing around them.
var lineFormatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.PreventSurroundingPre(true), chromahtml.WithPreWrapper(bareLine{}))

type bareLine struct{}

func (bareLine) Start(bool, string) string { return "" }
func (bareLine) End(bool) string           { return "" }

// jsonLineTokens tokenises one line as jsonTokens would tokenise it inside
// its document.
func jsonLineTokens(line string) []chroma.Token {
	var toks []chroma.Token
	emit := func(t chroma.TokenType, s string) {
		if n := len(toks); n > 0 && toks[n-1].Type == t && (t == chroma.Text || t == chroma.Punctuation) {
			toks[n-1].Value += s
			return
		}
		toks = append(toks, chroma.Token{Type: t, Value: s})
	}
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			j := i + 1
			for j < len(line) && (line[j] == ' ' || line[j] == '\t' || line[j] == '\r') {
				j++
			}
			emit(chroma.Text, line[i:j])
			i = j
		case strings.IndexByte("{}[],:", c) >= 0:
			emit(chroma.Punctuation, line[i:i+1])
			i++
		case c == '"':
			j := i + 1
			for j < len(line) && line[j] != '"' {
				if line[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(line))
			k := j
			for k < len(line) && line[k] == ' ' {
				k++
			}
			if k < len(line) && line[k] == ':' {
				emit(chroma.NameTag, line[i:j])
			} else {
				emit(chroma.LiteralStringDouble, line[i:j])
			}
			i = j
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			float := false
			for j < len(line) && (line[j] >= '0' && line[j] <= '9' || strings.IndexByte(".eE+-", line[j]) >= 0) {
				float = float || strings.IndexByte(".eE", line[j]) >= 0
				j++
			}
			if float {
				emit(chroma.LiteralNumberFloat, line[i:j])
			} else {
				emit(chroma.LiteralNumberInteger, line[i:j])
			}
			i = j
		default:
			matched := false
			for _, w := range []string{"true", "false", "null"} {
				if strings.HasPrefix(line[i:], w) {
					emit(chroma.KeywordConstant, w)
					i += len(w)
					matched = true
					break
				}
			}
			if !matched {
				emit(chroma.Text, line[i:i+1])
				i++
			}
		}
	}
	return toks
}
