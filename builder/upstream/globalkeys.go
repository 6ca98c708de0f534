package upstream

import (
	"fmt"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/jsonpos"
)

// globalKeysFile is where the catalog package defines the global condition keys.
const globalKeysFile = "dist/cjs/globalConditionKeys.js"

// tagKeySpellings turns the package's "/tag-key" into the catalog's
// "/${TagKey}" (aws:PrincipalTag/${TagKey}, aws:RequestTag/${TagKey},
// aws:ResourceTag/${TagKey}).
var tagKeySpellings = strings.NewReplacer("/tag-key", "/${TagKey}")

// convertGlobalKeys reads the array literal exports.globalConditionKeys of
// the package's compiled JavaScript: objects of single-quoted strings
// (key, category, type, description), in its order, and writes it as
// catalog.GlobalKeysDoc.
func convertGlobalKeys(p *problems) []byte {
	src, ok := p.t.Files[globalKeysFile]
	if !ok {
		p.add(globalKeysFile, jsonpos.Pos{}, "missing from the package (its layout changed?)")
		return nil
	}
	objs, err := parseKeyArray(string(src))
	if err != nil {
		p.add(globalKeysFile, jsonpos.Pos{Line: err.line, Col: 1}, "%s", err.msg)
		return nil
	}
	doc := catalog.GlobalKeysDoc{Source: catalog.PackageRef{Package: p.t.Package, Version: p.t.Version}}
	for _, o := range objs {
		k := catalog.GlobalKeyDoc{Name: tagKeySpellings.Replace(o.fields["key"]), Type: o.fields["type"], Category: o.fields["category"]}
		if k.Name == "" || k.Type == "" || k.Category == "" {
			p.add(globalKeysFile, jsonpos.Pos{Line: o.line, Col: 1}, "a global condition key without key, type or category")
			continue
		}
		doc.Keys = append(doc.Keys, k)
	}
	return catalog.EncodeGlobalKeys(doc)
}

type jsObject struct {
	line   int
	fields map[string]string
}

type jsError struct {
	line int
	msg  string
}

// parseKeyArray parses `exports.globalConditionKeys = [ {k: 'v', …}, … ];`.
func parseKeyArray(src string) ([]jsObject, *jsError) {
	const marker = "exports.globalConditionKeys = ["
	start := strings.Index(src, marker)
	if start < 0 {
		return nil, &jsError{1, "no " + marker + "…]; in the file (its layout changed?)"}
	}
	i := start + len(marker)
	line := 1 + strings.Count(src[:i], "\n")
	fail := func(format string, args ...any) ([]jsObject, *jsError) {
		return nil, &jsError{line, fmt.Sprintf(format, args...)}
	}
	// skip passes white space and comments.
	skip := func() {
		for i < len(src) {
			switch {
			case strings.IndexByte(" \t\r\n", src[i]) >= 0:
				if src[i] == '\n' {
					line++
				}
				i++
			case strings.HasPrefix(src[i:], "//"):
				for i < len(src) && src[i] != '\n' {
					i++
				}
			case strings.HasPrefix(src[i:], "/*"):
				end := strings.Index(src[i+2:], "*/")
				if end < 0 {
					i = len(src)
					return
				}
				line += strings.Count(src[i:i+2+end], "\n")
				i += end + 4
			default:
				return
			}
		}
	}
	var out []jsObject
	for {
		skip()
		if i >= len(src) {
			return fail("the array is not closed")
		}
		if src[i] == ']' {
			return out, nil
		}
		if src[i] != '{' {
			return fail("want an object, found %q", src[i])
		}
		i++
		o := jsObject{line: line, fields: map[string]string{}}
		for {
			skip()
			if i < len(src) && src[i] == '}' {
				i++
				break
			}
			// name: 'value'
			j := i
			for j < len(src) && (src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z') {
				j++
			}
			name := src[i:j]
			i = j
			skip()
			if name == "" || i >= len(src) || src[i] != ':' {
				return fail("want name: 'value' in an object")
			}
			i++
			skip()
			if i >= len(src) || src[i] != '\'' && src[i] != '"' {
				return fail("%s: want a quoted string", name)
			}
			q := src[i]
			i++
			var b strings.Builder
			for ; i < len(src) && src[i] != q; i++ {
				c := src[i]
				if c == '\n' {
					return fail("%s: the string is not closed on its line", name)
				}
				if c == '\\' && i+1 < len(src) {
					i++
					switch src[i] {
					case 'n':
						c = '\n'
					case 't':
						c = '\t'
					default:
						c = src[i]
					}
				}
				b.WriteByte(c)
			}
			if i >= len(src) {
				return fail("%s: the string is not closed", name)
			}
			i++
			if _, dup := o.fields[name]; dup {
				return fail("%s twice in an object", name)
			}
			o.fields[name] = b.String()
			skip()
			if i < len(src) && src[i] == ',' {
				i++
			}
		}
		out = append(out, o)
		skip()
		if i < len(src) && src[i] == ',' {
			i++
		}
	}
}
