package jsonpos

import (
	"slices"
	"strings"

	"github.com/iamref/iamref/builder/diag"
)

// A Decoder turns parsed values into model values strictly, collecting a
// diagnostic for each problem at its position in File; the loaders of the
// catalog, the history and the managed policies use one per file. A
// problem's message starts with what the value is ("action s3:GetObject:
// description: want a string, found number").
type Decoder struct {
	File string
	// Ignore, when set, names keys that Members accepts anywhere without
	// passing them on (Policy Sentry's *_lower_name bookkeeping).
	Ignore func(key string) bool
	Errs   diag.List
}

// Errorf adds a diagnostic at p.
func (d *Decoder) Errorf(p Pos, format string, args ...any) {
	d.Errs.Add(d.File, p.Line, p.Col, format, args...)
}

// Syntax adds the error of Parse or ParseAt as a diagnostic, after prefix
// ("invalid JSON: ").
func (d *Decoder) Syntax(err error, prefix string) {
	if se, ok := err.(*SyntaxError); ok {
		d.Errorf(se.Pos, "%s%s", prefix, se.Msg)
		return
	}
	d.Errs.Add(d.File, 0, 0, "%s%v", prefix, err)
}

// Object reports whether v is an object, adding a diagnostic when not.
func (d *Decoder) Object(v *Value, what string) bool {
	if v.Kind != Object {
		d.Errorf(v.Pos, "%s: want an object, found %s", what, v.Kind)
		return false
	}
	return true
}

// Members calls fn for each member of the object v whose key is in known,
// in source order. A key given twice and a key not known are diagnostics
// at the key, and fn does not see them. It reports false when v is not an
// object.
func (d *Decoder) Members(v *Value, what string, known []string, fn func(m Member)) bool {
	if !d.Object(v, what) {
		return false
	}
	seen := make(map[string]Pos, len(v.Members))
	for _, m := range v.Members {
		if prev, dup := seen[m.Key]; dup {
			d.Errorf(m.KeyPos, "%s: duplicate key %q (first at line %d)", what, m.Key, prev.Line)
			continue
		}
		seen[m.Key] = m.KeyPos
		if d.Ignore != nil && d.Ignore(m.Key) {
			continue
		}
		if !slices.Contains(known, m.Key) {
			d.Errorf(m.KeyPos, "%s: unknown key %q (want %s)", what, m.Key, strings.Join(known, ", "))
			continue
		}
		fn(m)
	}
	return true
}

// String is the string v, or "" and a diagnostic.
func (d *Decoder) String(v *Value, what string) string {
	if v.Kind != String {
		d.Errorf(v.Pos, "%s: want a string, found %s", what, v.Kind)
		return ""
	}
	return v.Str
}

// OptString is the string v, "" for null, or "" and a diagnostic.
func (d *Decoder) OptString(v *Value, what string) string {
	if v.Kind != String && v.Kind != Null {
		d.Errorf(v.Pos, "%s: want a string or null, found %s", what, v.Kind)
		return ""
	}
	return v.Str
}

// Strings is the list of strings v (empty, not nil, for []), or nil and a
// diagnostic; each item that is not a string is a diagnostic and left out.
func (d *Decoder) Strings(v *Value, what string) []string {
	if v.Kind != Array {
		d.Errorf(v.Pos, "%s: want a list of strings, found %s", what, v.Kind)
		return nil
	}
	out := make([]string, 0, len(v.Items))
	for _, it := range v.Items {
		if it.Kind != String {
			d.Errorf(it.Pos, "%s: want a string, found %s", what, it.Kind)
			continue
		}
		out = append(out, it.Str)
	}
	return out
}

// Bool is the boolean v, or false and a diagnostic.
func (d *Decoder) Bool(v *Value, what string) bool {
	if v.Kind != Bool {
		d.Errorf(v.Pos, "%s: want true or false, found %s", what, v.Kind)
		return false
	}
	return v.Bool
}
