// Package jsonpos parses JSON into a tree that remembers where every value
// and object key stands in the source (line and column), and keeps object
// members in source order with duplicates intact.
//
// The catalog loader and the policy parser both need this: a duplicate
// action, an unknown access level or a missing comma in an example policy
// must be reported at the line and column where it is, which encoding/json
// cannot do (it drops duplicate keys and reports byte offsets only for
// syntax errors). A Decoder turns a tree into model values strictly,
// every problem a diagnostic (package diag) at its place.
package jsonpos

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the JSON type of a Value.
type Kind uint8

// The JSON kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"null", "boolean", "number", "string", "array", "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// Pos is a 1-based line and column (in bytes) in the source.
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Value is one JSON value with its position.
type Value struct {
	Kind    Kind
	Pos     Pos
	Bool    bool
	Str     string // the decoded string, or the literal text of a number
	Items   []*Value
	Members []Member
	// Off and End are the byte offsets of the value in the source: its
	// text is src[Off:End].
	Off, End int
	// Skipped: an object ParseSkipping's skip took over; it has no Members.
	Skipped bool
}

// Member is one key of an object, in source order.
type Member struct {
	Key    string
	KeyPos Pos
	Value  *Value
}

// Get returns the value of the first member named key, or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := range v.Members {
		if v.Members[i].Key == key {
			return v.Members[i].Value
		}
	}
	return nil
}

// SyntaxError is a JSON syntax error at a position.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string { return e.Pos.String() + ": " + e.Msg }

// MaxDepth bounds nesting so hostile input cannot exhaust the stack.
const MaxDepth = 512

// Parse parses one JSON document; only white space may follow it.
func Parse(src []byte) (*Value, error) { return ParseAt(src, 1) }

// ParseAt parses one JSON document that starts on line first of its file
// (a fenced block of a note, a line of a .jsonl file), so that positions
// are the file's.
func ParseAt(src []byte, first int) (*Value, error) { return parse(src, first, nil) }

// ParseSkipping is Parse, but asks skip at every object, with its nesting
// depth (the document's value is at depth 0) and the offset of its '{',
// whether to leave it unread: when skip returns end > off, the object is
// taken to be src[off:end] and stands in the tree as a Value with Skipped
// set, its Pos, Off and End, and no Members. The caller vouches that
// src[off:end] is an object Parse would accept at that depth (one it read
// before, byte for byte, at the same depth), so that the tree, the
// positions after it and any error are what Parse gives.
func ParseSkipping(src []byte, skip func(depth, off int) (end int)) (*Value, error) {
	return parse(src, 1, skip)
}

func parse(src []byte, first int, skip func(depth, off int) int) (*Value, error) {
	p := &parser{src: src, line: first, lineStart: 0, skip: skip}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i < len(p.src) {
		return nil, p.errorf("unexpected %s after the end of the JSON value", p.describe())
	}
	return v, nil
}

type parser struct {
	src       []byte
	i         int
	line      int
	lineStart int

	// The last column counted: at byte colAt of the line starting at
	// colLine, col characters in. Positions are asked for in increasing
	// order, so counting on from there keeps a one-line document of
	// megabytes linear instead of quadratic.
	colLine, colAt, col int

	skip func(depth, off int) int
}

func (p *parser) pos() Pos {
	// Columns count characters, not bytes, so editors agree with us.
	if p.colLine != p.lineStart || p.colAt > p.i {
		p.colLine, p.colAt, p.col = p.lineStart, p.lineStart, 0
	}
	p.col += utf8.RuneCount(p.src[p.colAt:p.i])
	p.colAt = p.i
	return Pos{Line: p.line, Col: p.col + 1}
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Pos: p.pos(), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) describe() string {
	if p.i >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.src[p.i:])
	return strconv.QuoteRune(r)
}

func (p *parser) skipSpace() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case '\n':
			p.i++
			p.line++
			p.lineStart = p.i
		case ' ', '\t', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (*Value, error) {
	off := p.i
	v, err := p.valueAt(depth)
	if v != nil {
		v.Off, v.End = off, p.i
	}
	return v, err
}

func (p *parser) valueAt(depth int) (*Value, error) {
	if depth > MaxDepth {
		return nil, p.errorf("JSON nested deeper than %d levels", MaxDepth)
	}
	if p.i >= len(p.src) {
		return nil, p.errorf("unexpected end of input, expecting a value")
	}
	start := p.pos()
	switch c := p.src[p.i]; {
	case c == '{':
		if p.skip != nil {
			if end := p.skip(depth, p.i); end > p.i && end <= len(p.src) {
				skipped := p.src[p.i:end]
				if n := bytes.Count(skipped, []byte{'\n'}); n > 0 {
					p.line += n
					p.lineStart = p.i + bytes.LastIndexByte(skipped, '\n') + 1
				}
				p.i = end
				return &Value{Kind: Object, Pos: start, Skipped: true}, nil
			}
		}
		return p.object(start, depth)
	case c == '[':
		return p.array(start, depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &Value{Kind: String, Pos: start, Str: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(start)
	case c == 't':
		return p.literal(start, "true", &Value{Kind: Bool, Bool: true})
	case c == 'f':
		return p.literal(start, "false", &Value{Kind: Bool})
	case c == 'n':
		return p.literal(start, "null", &Value{Kind: Null})
	default:
		return nil, p.errorf("unexpected %s, expecting a value", p.describe())
	}
}

func (p *parser) literal(start Pos, word string, v *Value) (*Value, error) {
	if len(p.src)-p.i < len(word) || string(p.src[p.i:p.i+len(word)]) != word {
		return nil, p.errorf("invalid literal, expecting %q", word)
	}
	p.i += len(word)
	v.Pos = start
	return v, nil
}

func (p *parser) number(start Pos) (*Value, error) {
	b := p.i
	if p.src[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.src) && p.src[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, p.errorf("invalid number")
	}
	if p.i < len(p.src) && p.src[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.errorf("invalid number: digits expected after '.'")
		}
	}
	if p.i < len(p.src) && (p.src[p.i] == 'e' || p.src[p.i] == 'E') {
		p.i++
		if p.i < len(p.src) && (p.src[p.i] == '+' || p.src[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.errorf("invalid number: digits expected in exponent")
		}
	}
	return &Value{Kind: Number, Pos: start, Str: string(p.src[b:p.i])}, nil
}

func (p *parser) array(start Pos, depth int) (*Value, error) {
	p.i++ // [
	v := &Value{Kind: Array, Pos: start, Items: []*Value{}}
	p.skipSpace()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		return v, nil
	}
	for {
		p.skipSpace()
		item, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Items = append(v.Items, item)
		p.skipSpace()
		if p.i >= len(p.src) {
			return nil, p.errorf("unexpected end of input in array opened at %s", start)
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return v, nil
		default:
			return nil, p.errorf("unexpected %s in array, expecting ',' or ']' (is a comma missing?)", p.describe())
		}
	}
}

func (p *parser) object(start Pos, depth int) (*Value, error) {
	p.i++ // {
	v := &Value{Kind: Object, Pos: start, Members: []Member{}}
	p.skipSpace()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		return v, nil
	}
	for {
		p.skipSpace()
		if p.i >= len(p.src) || p.src[p.i] != '"' {
			return nil, p.errorf("unexpected %s in object, expecting a string key", p.describe())
		}
		keyPos := p.pos()
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.src) || p.src[p.i] != ':' {
			return nil, p.errorf("unexpected %s after object key %q, expecting ':'", p.describe(), key)
		}
		p.i++
		p.skipSpace()
		val, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Members = append(v.Members, Member{Key: key, KeyPos: keyPos, Value: val})
		p.skipSpace()
		if p.i >= len(p.src) {
			return nil, p.errorf("unexpected end of input in object opened at %s", start)
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return v, nil
		default:
			return nil, p.errorf("unexpected %s in object, expecting ',' or '}' (is a comma missing?)", p.describe())
		}
	}
}

// str parses a string starting at the opening quote.
func (p *parser) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	// Fast path: no escapes.
	for p.i < len(p.src) {
		c := p.src[p.i]
		if c == '"' {
			s := p.src[start:p.i]
			p.i++
			return validString(s), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.errorf("control character %#02x in string", c)
		}
		p.i++
	}
	buf := append([]byte(nil), p.src[start:p.i]...)
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return validString(buf), nil
		case c < 0x20:
			return "", p.errorf("control character %#02x in string", c)
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		p.i++ // backslash
		if p.i >= len(p.src) {
			break
		}
		e := p.src[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errorf(`invalid \u escape`)
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if p.i+1 < len(p.src) && p.src[p.i] == '\\' && p.src[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					if lo, ok := p.hex4(); ok {
						r2 = utf16.DecodeRune(r, lo)
					} else {
						p.i = save
					}
				}
				r = r2
			}
			buf = utf8.AppendRune(buf, r)
		default:
			p.i -= 2
			return "", p.errorf("invalid escape %q in string", string([]byte{'\\', e}))
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *parser) hex4() (rune, bool) {
	if len(p.src)-p.i < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(p.src[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}

// validString replaces each invalid UTF-8 byte with U+FFFD, as encoding/json does.
func validString(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return string([]rune(string(b)))
}
