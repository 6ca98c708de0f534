// Package yamlpos reads the content's YAML, whole files and the front
// matter of Markdown files, into yaml.Node trees, and decodes them
// strictly: a key the target does not have, a key given twice and a value
// of the wrong kind are each a diagnostic (package diag) at the line and
// column of the node, taken from the node.
//
// The one position not read from a node is a syntax error's: yaml/v3 has
// no node for what it could not parse, and keeps only a line in its
// message, which for a parser error is the line before the construct it
// was in (an unclosed "[" is reported a line early) and has no column.
// So a document yaml/v3 rejects is parsed again by goccy/go-yaml's
// parser, which gives the line and column of the token it stopped at
// (or, for a flow collection never closed, the bracket that opened it,
// flow.go); yaml/v3 alone decides what is valid, and its own line is the
// fallback when goccy/go-yaml finds no error.
//
// # Why a second YAML library
//
// yaml/v3's syntax error is a string made by fmt (no type, no position),
// and its line is, for a parser error, the 0-based line of the enclosing
// construct, or, when that is 0, of the problem: "line 1" for a "[" left
// open on line 1 and for one left open on line 2; "line 3" for a key
// dedented on line 4; "line 1" for a list item without its "-" on line 3;
// no line at all for text after a complete value ("a: 'x' y"), a stray
// "]" or a reserved "@". A scan of the input does find the two commonest
// mistakes, and this package has one for each: the bracket of a flow
// collection never closed (flow.go) and the ":" of a mapping value where
// none may be (mappingColon, on the line yaml/v3's scanner names
// correctly). The rest are errors of YAML's block structure (indentation
// levels, sequence entries, simple keys) and of its tokens, and locating
// them means tokenizing YAML as a parser does: a second parser written
// here, less tested than goccy/go-yaml's, which only locates. Its verdict
// never counts: it runs only on what yaml/v3 rejected, is told to accept
// repeated keys (as yaml/v3 does), and where it finds nothing, yaml/v3's
// own line is used.
package yamlpos

import (
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	goyaml "github.com/goccy/go-yaml"
	goparser "github.com/goccy/go-yaml/parser"
	"go.yaml.in/yaml/v3"

	"github.com/iamref/iamref/builder/diag"
)

// Parse parses one YAML document, the YAML of file that starts on line
// first (1 for a whole file, 2 for front matter), and returns its root
// node with the positions of the file: nil for an empty document.
func Parse(file string, src []byte, first int) (*yaml.Node, diag.List) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, diag.List{syntaxError(file, src, err, first)}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if first > 1 {
		shift(root, first-1)
	}
	return root, nil
}

// shift moves the nodes of a tree down by n lines. Aliases are not
// followed: the nodes they name are in the tree themselves.
func shift(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shift(c, by)
	}
}

// syntaxError is a parse error of yaml/v3 ("yaml: line 3: mapping values
// are not allowed in this context") in src, the YAML of file from line
// first, as a diagnostic: at the line and column goccy/go-yaml's parser
// stops at, with its message, or else at the line yaml/v3 names (at the
// YAML's first line when it names none), without a column.
//
// One case goes the other way: a mapping value where none may be (a key
// indented under a plain value) is found by yaml/v3's scanner at the ":"
// itself, while goccy/go-yaml names the start of the value before it, a
// line or more earlier; there yaml/v3's line wins, at that ":".
func syntaxError(file string, src []byte, err error, first int) *diag.Diagnostic {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, text
			}
		}
	}
	gLine, gCol, gMsg, ok := locate(src)
	if ok && msg == "mapping values are not allowed in this context" {
		if line == 0 { // a scanner error of the first line names none
			line = 1
		}
		switch {
		case line > gLine:
			return diag.At(file, line+first-1, mappingColon(src, line, 1), "%s", msg)
		case line == gLine:
			return diag.At(file, line+first-1, mappingColon(src, line, gCol), "%s", msg)
		}
	}
	// A flow collection never closed: at its bracket, not where the
	// parser gave up (the next key, lines later).
	if ok && strings.ContainsAny(gMsg+msg, "]}") {
		if l, c, b, open := unclosedFlow(string(src), gLine, gCol); open {
			if l == gLine && c == gCol {
				return diag.At(file, l+first-1, c, "this %q is never closed", b)
			}
			return diag.At(file, l+first-1, c, "this %q is never closed (at line %d, column %d: %s)", b, gLine+first-1, gCol, gMsg)
		}
	}
	switch {
	case ok:
		return diag.At(file, gLine+first-1, gCol, "%s", gMsg)
	case line > 0:
		return diag.At(file, line+first-1, 0, "%s", msg)
	}
	return diag.At(file, first, 0, "%s", msg)
}

// mappingColon is the column of the first ":" on line n of src, at or
// after column from, that ends a key (a space, a tab or the end of the
// line after it); 0 when there is none.
func mappingColon(src []byte, n, from int) int {
	lines := bytes.Split(src, []byte("\n"))
	if n < 1 || n > len(lines) {
		return 0
	}
	l := bytes.TrimSuffix(lines[n-1], []byte("\r"))
	col := 1
	for i := 0; i < len(l); {
		_, size := utf8.DecodeRune(l[i:])
		if col >= from && l[i] == ':' && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t') {
			return col
		}
		i += size
		col++
	}
	return 0
}

// locate parses src with goccy/go-yaml and returns where and why it stops,
// ok false when it does not (or panics).
func locate(src []byte) (line, col int, msg string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	// yaml/v3 takes a key given twice (Decode reports it at the key):
	// goccy/go-yaml must not stop there and miss the error yaml/v3 found.
	_, err := goparser.ParseBytes(src, 0, goparser.AllowDuplicateMapKey())
	var se *goyaml.SyntaxError
	if !errors.As(err, &se) || se.Token == nil || se.Token.Position == nil || se.Token.Position.Line < 1 {
		return 0, 0, "", false
	}
	p := se.Token.Position
	// Its messages quote the character they stopped at: a tab is \t.
	return p.Line, max(p.Column, 1), strings.NewReplacer("\t", `\t`, "\r", `\r`).Replace(se.Message), true
}

// Decode decodes the node n of file into v, a pointer, strictly: struct
// fields by their yaml tags (the lower-cased field name without one),
// maps with string keys, slices, pointers, yaml.Node fields (kept as
// nodes) and scalars, which yaml/v3 itself converts. It decodes all it can
// and reports every problem at its node. A nil n (an empty document)
// leaves v as it is.
func Decode(file string, n *yaml.Node, v any) diag.List {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return diag.List{diag.At(file, 0, 0, "yamlpos.Decode needs a non-nil pointer, not %T", v)}
	}
	d := &decoder{file: file}
	if n != nil {
		d.value(n, rv.Elem(), "")
	}
	return d.errs
}

type decoder struct {
	file string
	errs diag.List
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs.Add(d.file, n.Line, n.Column, format, args...)
}

// valueErrorf reports a value of the wrong kind, after the keys that lead
// to it ("sources.url: …").
func (d *decoder) valueErrorf(n *yaml.Node, path, format string, args ...any) {
	if path != "" {
		format = path + ": " + format
	}
	d.errorf(n, format, args...)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var nodeType = reflect.TypeFor[yaml.Node]()

// value decodes n into v; path names the keys that lead to it.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	if v.Type() == nodeType {
		v.Set(reflect.ValueOf(*n))
		return
	}
	n = Resolve(n)
	if isNull(n) {
		return // as yaml/v3 does: a null leaves the zero value
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		d.value(n, p.Elem(), path)
		v.Set(p)
	case reflect.Struct:
		d.structValue(n, v, path)
	case reflect.Map:
		d.mapValue(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.valueErrorf(n, path, "expected a list, not a %s", KindName(n.Kind))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.value(item, s.Index(i), path)
		}
		v.Set(s)
	default:
		if n.Kind != yaml.ScalarNode {
			d.valueErrorf(n, path, "expected a single value, not a %s", KindName(n.Kind))
			return
		}
		p := reflect.New(v.Type())
		if err := n.Decode(p.Interface()); err != nil {
			d.valueErrorf(n, path, "cannot use %q as %s", n.Value, v.Type())
			return
		}
		v.Set(p.Elem())
	}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// pairs calls fn for each key and value of the mapping m, in order,
// reporting a key given twice, or not a plain value, at the key; fn is
// not called for those.
func (d *decoder) pairs(m *yaml.Node, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "a key must be a single value, not a %s", KindName(k.Kind))
			continue
		}
		if seen[k.Value] {
			d.errorf(k, "key %q repeated", k.Value)
			continue
		}
		seen[k.Value] = true
		fn(k.Value, k, v)
	}
}

func (d *decoder) structValue(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.valueErrorf(n, path, "expected a mapping, not a %s", KindName(n.Kind))
		return
	}
	fields := fieldsOf(v.Type())
	d.pairs(n, func(key string, k, val *yaml.Node) {
		i, ok := fields[key]
		if !ok {
			d.errorf(k, "unknown key %q", key)
			return
		}
		d.value(val, v.Field(i), join(path, key))
	})
}

func (d *decoder) mapValue(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.valueErrorf(n, path, "expected a mapping, not a %s", KindName(n.Kind))
		return
	}
	if v.Type().Key().Kind() != reflect.String {
		d.valueErrorf(n, path, "yamlpos cannot decode into a %s", v.Type())
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	d.pairs(n, func(key string, k, val *yaml.Node) {
		e := reflect.New(v.Type().Elem()).Elem()
		d.value(val, e, join(path, key))
		v.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), e)
	})
}

// fieldsOf maps the YAML keys of a struct type to its field indexes.
func fieldsOf(t reflect.Type) map[string]int {
	fields := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = strings.ToLower(f.Name)
		}
		fields[name] = i
	}
	return fields
}

// KindName names a node kind in an error message.
func KindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	case yaml.AliasNode:
		return "alias"
	case yaml.DocumentNode:
		return "document"
	}
	return "value"
}

// Key is the value node of key in the mapping m, nil when m is not a
// mapping or lacks the key: for a diagnostic at a value Decode decoded.
// Aliases are followed, as Decode follows them.
func Key(m *yaml.Node, key string) *yaml.Node {
	m = Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return Resolve(m.Content[i+1])
		}
	}
	return nil
}

// Resolve is the node an alias names, or n itself.
func Resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// SplitFrontMatter finds the front matter of a Markdown file: the YAML
// between a first line "---" and the next line "---" (trailing spaces and
// either line ending allowed). The YAML starts on line 2 of the file, the
// body after the closing line on line bodyLine. ok is false, and body is
// src, when src does not start with a "---" line; an unclosed block is a
// diagnostic.
func SplitFrontMatter(file string, src []byte) (yml, body []byte, bodyLine int, ok bool, errs diag.List) {
	first, rest, _ := cutLine(src)
	if !isDelim(first) {
		return nil, src, 1, false, nil
	}
	start := len(src) - len(rest)
	line := 2
	for off := start; off < len(src); line++ {
		l, next, _ := cutLine(src[off:])
		if isDelim(l) {
			return src[start:off], src[len(src)-len(next):], line + 1, true, nil
		}
		off = len(src) - len(next)
	}
	return nil, nil, 0, true, diag.List{diag.At(file, 1, 1, `front matter opened with "---" is never closed`)}
}

// cutLine returns the first line of b without its line ending, and the rest.
func cutLine(b []byte) (line, rest []byte, found bool) {
	line, rest, found = bytes.Cut(b, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), rest, found
}

func isDelim(line []byte) bool {
	return string(bytes.TrimRight(line, " \t")) == "---"
}
