package yamlpos

import (
	"strings"
	"unicode/utf8"
)

// unclosedFlow is the innermost flow collection ("[" or "{") still open at
// line, col of src (a bracket at line, col itself counts), as its line, column and bracket: a syntax error inside
// a flow collection that never closes is found where the parser gives up,
// often the next key, a line or more after the bracket that is the mistake.
// The scan knows what of YAML decides whether a bracket opens a
// collection: quoted scalars (across lines), comments, plain scalars (a
// bracket inside "a[b" opens nothing) and block scalars (| and >).
func unclosedFlow(src string, line, col int) (l, c int, bracket byte, ok bool) {
	type open struct {
		line, col int
		b         byte
	}
	var stack []open
	var quote byte // the quote of the quoted scalar being scanned, or 0
	blockIndent := -1
	for n, text := range strings.Split(src, "\n") {
		ln := n + 1
		if ln > line {
			break
		}
		text = strings.TrimSuffix(text, "\r")
		indent := len(text) - len(strings.TrimLeft(text, " "))
		if quote == 0 && len(stack) == 0 && blockIndent >= 0 {
			if strings.TrimSpace(text) == "" || indent > blockIndent {
				continue // inside a block scalar
			}
			blockIndent = -1
		}
		valueStart := quote == 0
		cn := 0
		for i := 0; i < len(text); {
			r, size := utf8.DecodeRuneInString(text[i:])
			cn++
			if ln == line && cn > col {
				break
			}
			ch := text[i]
			i += size
			switch {
			case quote == '"':
				if ch == '\\' && i < len(text) {
					i++
					cn++
				} else if ch == '"' {
					quote = 0
				}
				continue
			case quote == '\'':
				if ch == '\'' {
					if i < len(text) && text[i] == '\'' {
						i++
						cn++
					} else {
						quote = 0
					}
				}
				continue
			}
			switch {
			case r == ' ' || r == '\t':
				continue
			case ch == '#' && (i == 1 || text[i-2] == ' ' || text[i-2] == '\t'):
				i = len(text) // a comment
				continue
			case valueStart && (ch == '"' || ch == '\''):
				quote = ch
			case (valueStart || len(stack) > 0) && (ch == '[' || ch == '{'):
				stack = append(stack, open{ln, cn, ch})
				valueStart = true
				continue
			case len(stack) > 0 && (ch == ']' || ch == '}'):
				stack = stack[:len(stack)-1]
			case len(stack) > 0 && ch == ',':
				valueStart = true
				continue
			case valueStart && len(stack) == 0 && (ch == '|' || ch == '>'):
				blockIndent = indent
				i = len(text)
				continue
			case valueStart && ch == '-' && (i == len(text) || text[i] == ' '):
				continue // a list item: its value starts next
			case ch == ':' && (i == len(text) || text[i] == ' ' || text[i] == '\t' || len(stack) > 0):
				valueStart = true
				continue
			}
			valueStart = false
		}
	}
	if len(stack) == 0 {
		return 0, 0, 0, false
	}
	o := stack[len(stack)-1]
	return o.line, o.col, o.b, true
}
