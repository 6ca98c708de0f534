package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/iamref/iamref/builder/jsonpos"
	"github.com/iamref/iamref/builder/linediff"
	"github.com/iamref/iamref/internal/parallel"
)

// ManagedPolicy is one AWS managed policy as content/policies ships it.
type ManagedPolicy struct {
	Name       string
	ARN        string
	Version    string // DefaultVersionId, e.g. "v12"
	CreateDate string
	UpdateDate string
	Deprecated bool
	// Document is the policy document as shipped (same keys, same order,
	// same values), pretty-printed with a two-space indent, so that a page
	// can show it with line numbers that match Parse's findings.
	Document []byte
	File     string // path inside the content FS, e.g. "policies/PowerUserAccess.json"
	// Versions are the policy's versions the content holds, newest first:
	// Versions[0] is the default version, whose document is Document; each
	// older one is stored as the edits that turn the document of the
	// version before it in this list into its own (see Walk). A policy
	// the content holds one version of has just that one.
	Versions []PolicyVersion
	// MissingFrom names the package version since which the upstream
	// package lacks the policy: the content keeps it as last known. Nil
	// for a policy upstream has.
	MissingFrom *PackageRef
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	ID   string // "v3"
	Date string // when AWS created it, RFC 3339; "" when not known
	// Edits turn the document of the next newer version (in the lines of
	// its two-space indented text) into this one's; nil for the default.
	Edits []linediff.Edit
}

// PackageRef names an npm package version.
type PackageRef struct {
	Package, Version string
}

// Walk calls fn for each version, newest first, with the lines of its
// document as the page shows it (two-space indented, without newlines).
// It stops at the first error fn returns, or at edits that do not fit.
func (mp *ManagedPolicy) Walk(fn func(i int, v PolicyVersion, lines []string) error) error {
	lines := linediff.Split(string(mp.Document))
	for i, v := range mp.Versions {
		if i > 0 {
			next, err := linediff.Apply(lines, v.Edits)
			if err != nil {
				return fmt.Errorf("%s: version %s: %w", mp.File, v.ID, err)
			}
			lines = next
		}
		if err := fn(i, v, lines); err != nil {
			return err
		}
	}
	return nil
}

// VersionNumber is n of "vn", or 0 for anything else.
func VersionNumber(id string) int {
	if len(id) < 2 || id[0] != 'v' {
		return 0
	}
	n := 0
	for _, c := range id[1:] {
		if c < '0' || c > '9' || n > 1e6 {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// LoadManaged reads policies/*.json from the content FS, sorted by name.
// Every problem is reported, each as "file:line:col: message".
func LoadManaged(fsys fs.FS) ([]*ManagedPolicy, error) {
	files, err := fs.Glob(fsys, "policies/*.json")
	if err != nil {
		return nil, err
	}
	// Read and parse on every core; then check the names in file order.
	type parsed struct {
		mp   *ManagedPolicy
		errs []string
	}
	all := make([]parsed, len(files))
	parallel.Each(len(files), func(i int) {
		f := files[i]
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			all[i].errs = []string{fmt.Sprintf("%s: %v", f, err)}
			return
		}
		all[i].mp, all[i].errs = parseManaged(f, src)
	})
	var errs []string
	var out []*ManagedPolicy
	names := map[string]string{}
	for i, f := range files {
		mp := all[i].mp
		errs = append(errs, all[i].errs...)
		if mp == nil {
			continue
		}
		if prev, dup := names[mp.Name]; dup {
			errs = append(errs, fmt.Sprintf("%s: policy %s is already defined in %s", f, mp.Name, prev))
			continue
		}
		names[mp.Name] = f
		out = append(out, mp)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func parseManaged(file string, src []byte) (*ManagedPolicy, []string) {
	root, err := jsonpos.Parse(src)
	if err != nil {
		if se, ok := err.(*jsonpos.SyntaxError); ok {
			return nil, []string{fmt.Sprintf("%s:%d:%d: %s", file, se.Pos.Line, se.Pos.Col, se.Msg)}
		}
		return nil, []string{fmt.Sprintf("%s: %v", file, err)}
	}
	errf := func(pos jsonpos.Pos, format string, args ...any) string {
		return fmt.Sprintf("%s:%d:%d: %s", file, pos.Line, pos.Col, fmt.Sprintf(format, args...))
	}
	if root.Kind != jsonpos.Object {
		return nil, []string{errf(root.Pos, "want an object, not %s", root.Kind)}
	}
	mp := &ManagedPolicy{File: file}
	var errs []string
	var versions *jsonpos.Value
	seen := map[string]bool{}
	for _, m := range root.Members {
		if seen[m.Key] {
			errs = append(errs, errf(m.KeyPos, "duplicate key %q", m.Key))
			continue
		}
		seen[m.Key] = true
		// Deprecated policies ship "Arn": null and "UpdateDate": null.
		str := func(dst *string) {
			if m.Value.Kind == jsonpos.Null {
				return
			}
			if m.Value.Kind != jsonpos.String {
				errs = append(errs, errf(m.Value.Pos, "%s must be a string or null, not %s", m.Key, m.Value.Kind))
				return
			}
			*dst = m.Value.Str
		}
		switch m.Key {
		case "PolicyName":
			str(&mp.Name)
		case "Arn":
			str(&mp.ARN)
		case "DefaultVersionId":
			str(&mp.Version)
		case "CreateDate":
			str(&mp.CreateDate)
		case "UpdateDate":
			str(&mp.UpdateDate)
		case "Deprecated":
			if m.Value.Kind != jsonpos.Bool {
				errs = append(errs, errf(m.Value.Pos, "Deprecated must be true or false, not %s", m.Value.Kind))
				continue
			}
			mp.Deprecated = m.Value.Bool
		case "Document":
			if m.Value.Kind != jsonpos.Object {
				errs = append(errs, errf(m.Value.Pos, "Document must be an object, not %s", m.Value.Kind))
				continue
			}
			mp.Document = FormatDocument(m.Value)
		case "Versions":
			versions = m.Value
		case "MissingFrom":
			mp.MissingFrom = &PackageRef{}
			ok := m.Value.Kind == jsonpos.Object && len(m.Value.Members) == 2
			for _, f := range m.Value.Members {
				switch {
				case f.Key == "package" && f.Value.Kind == jsonpos.String:
					mp.MissingFrom.Package = f.Value.Str
				case f.Key == "version" && f.Value.Kind == jsonpos.String:
					mp.MissingFrom.Version = f.Value.Str
				default:
					ok = false
				}
			}
			if !ok || mp.MissingFrom.Package == "" || mp.MissingFrom.Version == "" {
				errs = append(errs, errf(m.Value.Pos, `MissingFrom must be {"package": "…", "version": "…"}`))
			}
		default:
			errs = append(errs, errf(m.KeyPos, "unknown key %q (want PolicyName, Arn, DefaultVersionId, CreateDate, UpdateDate, Deprecated, Document, Versions, MissingFrom)", m.Key))
		}
	}
	if versions != nil {
		mp.Versions, errs = parseVersions(versions, mp, errs, errf)
	} else {
		// Content from before versions were kept: the default version alone.
		mp.Versions = []PolicyVersion{{ID: mp.Version, Date: mp.UpdateDate}}
	}
	for _, k := range []string{"PolicyName", "Document"} {
		if !seen[k] {
			errs = append(errs, errf(root.Pos, "missing %s", k))
		}
	}
	if len(errs) == 0 && len(mp.Versions) > 1 {
		if err := mp.Walk(func(int, PolicyVersion, []string) error { return nil }); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if mp.Name != "" && path.Base(file) != mp.Name+".json" {
		errs = append(errs, errf(root.Pos, "PolicyName %q does not match the file name", mp.Name))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return mp, nil
}

// parseVersions reads the Versions list: newest first, the default first,
// version numbers decreasing, each older one with its edits.
func parseVersions(v *jsonpos.Value, mp *ManagedPolicy, errs []string, errf func(jsonpos.Pos, string, ...any) string) ([]PolicyVersion, []string) {
	if v.Kind != jsonpos.Array || len(v.Items) == 0 {
		return nil, append(errs, errf(v.Pos, "Versions must be a non-empty list, newest first"))
	}
	var out []PolicyVersion
	for i, it := range v.Items {
		var pv PolicyVersion
		bad := func(format string, args ...any) {
			errs = append(errs, errf(it.Pos, "Versions[%d]: "+format, append([]any{i}, args...)...))
		}
		if it.Kind != jsonpos.Object {
			bad("want an object")
			continue
		}
		var edits *jsonpos.Value
		for _, m := range it.Members {
			switch m.Key {
			case "VersionId":
				if m.Value.Kind == jsonpos.String {
					pv.ID = m.Value.Str
				}
			case "CreateDate":
				if m.Value.Kind == jsonpos.String {
					pv.Date = m.Value.Str
				} else if m.Value.Kind != jsonpos.Null {
					bad("CreateDate must be a string or null")
				}
			case "Edits":
				edits = m.Value
			default:
				bad("unknown key %q (want VersionId, CreateDate, Edits)", m.Key)
			}
		}
		n := VersionNumber(pv.ID)
		switch {
		case n == 0:
			bad("VersionId %q: want v<n>", pv.ID)
			continue
		case i == 0 && pv.ID != mp.Version:
			bad("the first version is %s, the default version %s: list the versions newest first", pv.ID, mp.Version)
		case len(out) > 0 && n >= VersionNumber(out[len(out)-1].ID):
			bad("%s comes after %s: list the versions newest first", pv.ID, out[len(out)-1].ID)
		case i == 0 && edits != nil:
			bad("the default version's document is Document: it has no Edits")
		case i > 0 && edits == nil:
			bad("%s has no Edits", pv.ID)
		}
		if edits != nil && i > 0 {
			pv.Edits = []linediff.Edit{}
			ok := edits.Kind == jsonpos.Array
			for _, e := range edits.Items {
				// [at, delete, [lines…]]
				if e.Kind != jsonpos.Array || len(e.Items) != 3 || e.Items[0].Kind != jsonpos.Number || e.Items[1].Kind != jsonpos.Number || e.Items[2].Kind != jsonpos.Array {
					ok = false
					break
				}
				at, err1 := strconv.Atoi(e.Items[0].Str)
				del, err2 := strconv.Atoi(e.Items[1].Str)
				ed := linediff.Edit{At: at, Delete: del}
				for _, l := range e.Items[2].Items {
					if l.Kind != jsonpos.String {
						ok = false
					}
					ed.Insert = append(ed.Insert, l.Str)
				}
				if err1 != nil || err2 != nil {
					ok = false
				}
				pv.Edits = append(pv.Edits, ed)
			}
			if !ok {
				bad("Edits must be a list of [line, lines deleted, [lines inserted]]")
			}
		}
		out = append(out, pv)
	}
	return out, errs
}

// FormatDocument is a policy document as the site shows it and as the
// versions' edits count its lines: pretty-printed with a two-space indent,
// members in their order (duplicates kept), numbers as written, strings
// re-escaped minimally, with a final newline.
func FormatDocument(v *jsonpos.Value) []byte {
	var b bytes.Buffer
	writeJSON(&b, v, "")
	b.WriteByte('\n')
	return b.Bytes()
}

// WriteDocument writes v as FormatDocument does, every line after the
// first indented by indent, without the final newline: a document inside
// another JSON value.
func WriteDocument(b *bytes.Buffer, v *jsonpos.Value, indent string) { writeJSON(b, v, indent) }

// writeJSON pretty-prints v with a two-space indent, keeping member order
// and duplicates, numbers as written and strings re-escaped minimally.
func writeJSON(b *bytes.Buffer, v *jsonpos.Value, indent string) {
	switch v.Kind {
	case jsonpos.Null:
		b.WriteString("null")
	case jsonpos.Bool:
		fmt.Fprint(b, v.Bool)
	case jsonpos.Number:
		b.WriteString(v.Str)
	case jsonpos.String:
		writeString(b, v.Str)
	case jsonpos.Array:
		if len(v.Items) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, it := range v.Items {
			b.WriteString(indent + "  ")
			writeJSON(b, it, indent+"  ")
			if i < len(v.Items)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	case jsonpos.Object:
		if len(v.Members) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, m := range v.Members {
			b.WriteString(indent + "  ")
			writeString(b, m.Key)
			b.WriteString(": ")
			writeJSON(b, m.Value, indent+"  ")
			if i < len(v.Members)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	}
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // cannot fail for a string
	b.Truncate(b.Len() - 1) // Encode appends a newline
}

// SourceFile says which package release content/policies comes from.
const SourceFile = "policies/source.yaml"

// Source is the release content/policies was converted from.
type Source struct {
	Package, Version, Integrity string
	Date                        string // YYYY-MM-DD: the newest date in its data
}

// LoadSource reads policies/source.yaml; nil, nil when there is none.
func LoadSource(fsys fs.FS) (*Source, error) {
	src, err := fs.ReadFile(fsys, SourceFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s := &Source{}
	for i, line := range strings.Split(strings.TrimSuffix(string(src), "\n"), "\n") {
		k, v, ok := strings.Cut(line, ": ")
		var str string
		if ok {
			ok = json.Unmarshal([]byte(v), &str) == nil
		}
		switch {
		case !ok:
			return nil, fmt.Errorf("%s:%d: want key: \"value\"", SourceFile, i+1)
		case k == "package":
			s.Package = str
		case k == "version":
			s.Version = str
		case k == "integrity":
			s.Integrity = str
		case k == "date":
			s.Date = str
		default:
			return nil, fmt.Errorf("%s:%d: unknown key %q (want package, version, integrity, date)", SourceFile, i+1, k)
		}
	}
	if s.Package == "" || s.Version == "" || !strings.HasPrefix(s.Integrity, "sha512-") || len(s.Date) != len("2006-01-02") {
		return nil, fmt.Errorf("%s: want package, version, integrity (sha512-…) and date (YYYY-MM-DD)", SourceFile)
	}
	return s, nil
}

// EncodeSource is policies/source.yaml for s.
func EncodeSource(s Source) []byte {
	q := func(v string) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v) // a JSON string is a YAML double-quoted scalar
		return strings.TrimSuffix(b.String(), "\n")
	}
	return []byte("package: " + q(s.Package) + "\nversion: " + q(s.Version) + "\nintegrity: " + q(s.Integrity) + "\ndate: " + q(s.Date) + "\n")
}
