package markup

import (
	"encoding/json"

	"github.com/alecthomas/chroma/v2"
)

// jsonTokens tokenises valid JSON for chroma's formatter with the token
// types chroma's own JSON lexer gives (keys NameTag, strings
// LiteralStringDouble, numbers LiteralNumber*, literals KeywordConstant,
// punctuation Punctuation). The regexp lexer costs about 5× more than the
// formatter, and the site highlights tens of thousands of policies, so valid
// JSON takes this path; anything else returns ok=false and goes to chroma's
// lexer, which copes with broken input.
func jsonTokens(code string) (tokens []chroma.Token, ok bool) {
	if !json.Valid([]byte(code)) {
		return nil, false
	}
	toks := make([]chroma.Token, 0, len(code)/4)
	// Tokens are consecutive slices of code: emit takes the bounds, and
	// merging a run of text or punctuation re-slices instead of copying.
	start := 0 // of the last token
	emit := func(t chroma.TokenType, i, j int) {
		if n := len(toks); n > 0 && toks[n-1].Type == t && (t == chroma.Text || t == chroma.Punctuation) {
			toks[n-1].Value = code[start:j]
			return
		}
		start = i
		toks = append(toks, chroma.Token{Type: t, Value: code[i:j]})
	}
	// stack of containers: true for object (next string is a key when expectKey).
	var stack []bool
	expectKey := false
	i := 0
	for i < len(code) {
		c := code[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			j := i + 1
			for j < len(code) && (code[j] == ' ' || code[j] == '\t' || code[j] == '\n' || code[j] == '\r') {
				j++
			}
			emit(chroma.Text, i, j)
			i = j
		case c == '{' || c == '[':
			stack = append(stack, c == '{')
			expectKey = c == '{'
			emit(chroma.Punctuation, i, i+1)
			i++
		case c == '}' || c == ']':
			if len(stack) == 0 || stack[len(stack)-1] != (c == '}') {
				return nil, false
			}
			stack = stack[:len(stack)-1]
			expectKey = false
			emit(chroma.Punctuation, i, i+1)
			i++
		case c == ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1]
			emit(chroma.Punctuation, i, i+1)
			i++
		case c == ':':
			expectKey = false
			emit(chroma.Punctuation, i, i+1)
			i++
		case c == '"':
			j := i + 1
			for j < len(code) && code[j] != '"' {
				if code[j] == '\\' {
					j++
				}
				if j < len(code) && code[j] == '\n' {
					return nil, false
				}
				j++
			}
			if j >= len(code) {
				return nil, false
			}
			if expectKey {
				emit(chroma.NameTag, i, j+1)
			} else {
				emit(chroma.LiteralStringDouble, i, j+1)
			}
			i = j + 1
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			float := false
			for j < len(code) && (code[j] >= '0' && code[j] <= '9' || code[j] == '.' || code[j] == 'e' || code[j] == 'E' || code[j] == '+' || code[j] == '-') {
				float = float || code[j] == '.' || code[j] == 'e' || code[j] == 'E'
				j++
			}
			if float {
				emit(chroma.LiteralNumberFloat, i, j)
			} else {
				emit(chroma.LiteralNumberInteger, i, j)
			}
			i = j
		default:
			matched := false
			for _, w := range []string{"true", "false", "null"} {
				if len(code)-i >= len(w) && code[i:i+len(w)] == w {
					emit(chroma.KeywordConstant, i, i+len(w))
					i += len(w)
					matched = true
					break
				}
			}
			if !matched {
				return nil, false
			}
		}
	}
	if len(stack) != 0 {
		return nil, false
	}
	return toks, true
}
