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

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
	"github.com/iamref/iamref/builder/linediff"
	"github.com/iamref/iamref/builder/yamlpos"
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
// It stops at the first error fn returns, or at edits that do not fit (a
// *diag.Diagnostic at the policy's file).
func (mp *ManagedPolicy) Walk(fn func(i int, v PolicyVersion, lines []string) error) error {
	lines := linediff.Split(string(mp.Document))
	for i, v := range mp.Versions {
		if i > 0 {
			next, err := linediff.Apply(lines, v.Edits)
			if err != nil {
				return diag.At(mp.File, 0, 0, "version %s: %v", v.ID, err)
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
// Every problem is reported, as a diag.List.
func LoadManaged(fsys fs.FS) ([]*ManagedPolicy, error) {
	files, err := fs.Glob(fsys, "policies/*.json")
	if err != nil {
		return nil, err
	}
	// Read and parse on every core; then check the names in file order.
	type parsed struct {
		mp   *ManagedPolicy
		errs diag.List
	}
	all := make([]parsed, len(files))
	parallel.Each(len(files), func(i int) {
		f := files[i]
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			all[i].errs = diag.From(f, err)
			return
		}
		all[i].mp, all[i].errs = parseManaged(f, src)
	})
	var errs diag.List
	var out []*ManagedPolicy
	names := map[string]string{}
	for i, f := range files {
		mp := all[i].mp
		errs = append(errs, all[i].errs...)
		if mp == nil {
			continue
		}
		if prev, dup := names[mp.Name]; dup {
			errs.Add(f, 0, 0, "policy %s is already defined in %s", mp.Name, prev)
			continue
		}
		names[mp.Name] = f
		out = append(out, mp)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ValidPolicyName reports whether IAM would accept n as a policy's name
// (1 to 128 of letters, digits and +=,.@_-) and it is a page's name, not
// "." or "..".
func ValidPolicyName(n string) bool {
	if n == "" || len(n) > 128 || n == "." || n == ".." {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+=,.@_-", r)) {
			return false
		}
	}
	return true
}

func parseManaged(file string, src []byte) (*ManagedPolicy, diag.List) {
	d := &jsonpos.Decoder{File: file}
	root, err := jsonpos.Parse(src)
	if err != nil {
		d.Syntax(err, "")
		return nil, d.Errs
	}
	mp := &ManagedPolicy{File: file}
	var versions *jsonpos.Value
	seen := map[string]bool{}
	known := []string{"PolicyName", "Arn", "DefaultVersionId", "CreateDate", "UpdateDate", "Deprecated", "Document", "Versions", "MissingFrom"}
	if !d.Members(root, "policy", known, func(m jsonpos.Member) {
		seen[m.Key] = true
		// Deprecated policies ship "Arn": null and "UpdateDate": null.
		switch m.Key {
		case "PolicyName":
			mp.Name = d.OptString(m.Value, m.Key)
			if mp.Name != "" && !ValidPolicyName(mp.Name) {
				d.Errorf(m.Value.Pos, "PolicyName %q: IAM names a policy with 1 to 128 letters, digits and +=,.@_- (and \".\" and \"..\" are no names: the page would leave its place)", mp.Name)
				mp.Name = ""
			}
		case "Arn":
			mp.ARN = d.OptString(m.Value, m.Key)
		case "DefaultVersionId":
			mp.Version = d.OptString(m.Value, m.Key)
		case "CreateDate":
			mp.CreateDate = d.OptString(m.Value, m.Key)
		case "UpdateDate":
			mp.UpdateDate = d.OptString(m.Value, m.Key)
		case "Deprecated":
			mp.Deprecated = d.Bool(m.Value, m.Key)
		case "Document":
			if d.Object(m.Value, m.Key) {
				mp.Document = FormatDocument(m.Value)
			}
		case "Versions":
			versions = m.Value
		case "MissingFrom":
			mp.MissingFrom = &PackageRef{}
			d.Members(m.Value, "MissingFrom", []string{"package", "version"}, func(f jsonpos.Member) {
				if f.Key == "package" {
					mp.MissingFrom.Package = d.String(f.Value, "MissingFrom: package")
				} else {
					mp.MissingFrom.Version = d.String(f.Value, "MissingFrom: version")
				}
			})
			if mp.MissingFrom.Package == "" || mp.MissingFrom.Version == "" {
				d.Errorf(m.Value.Pos, `MissingFrom: want {"package": "…", "version": "…"}`)
			}
		}
	}) {
		return nil, d.Errs
	}
	for _, k := range []string{"PolicyName", "Document"} {
		if !seen[k] {
			d.Errorf(root.Pos, "missing %s", k)
		}
	}
	if versions != nil {
		parseVersions(d, versions, mp)
	} else {
		// Content from before versions were kept: the default version alone.
		mp.Versions = []PolicyVersion{{ID: mp.Version, Date: mp.UpdateDate}}
	}
	if mp.Name != "" && path.Base(file) != mp.Name+".json" {
		d.Errorf(root.Pos, "PolicyName %q does not match the file name", mp.Name)
	}
	if len(d.Errs) > 0 {
		return nil, d.Errs
	}
	return mp, nil
}

// parseVersions reads the Versions list: newest first, the default first,
// version numbers decreasing, each older one with edits that fit the
// document of the version before it.
func parseVersions(d *jsonpos.Decoder, v *jsonpos.Value, mp *ManagedPolicy) {
	if v.Kind != jsonpos.Array || len(v.Items) == 0 {
		d.Errorf(v.Pos, "Versions: want a non-empty list, newest first")
		return
	}
	n0 := len(d.Errs)
	var out []PolicyVersion
	var at []jsonpos.Pos
	for i, it := range v.Items {
		var pv PolicyVersion
		what := fmt.Sprintf("Versions[%d]", i)
		bad := func(format string, args ...any) {
			d.Errorf(it.Pos, what+": "+format, args...)
		}
		var edits *jsonpos.Value
		if !d.Members(it, what, []string{"VersionId", "CreateDate", "Edits"}, func(m jsonpos.Member) {
			switch m.Key {
			case "VersionId":
				pv.ID = d.String(m.Value, what+": VersionId")
			case "CreateDate":
				pv.Date = d.OptString(m.Value, what+": CreateDate")
			case "Edits":
				edits = m.Value
			}
		}) {
			continue
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
			pv.Edits = parseEdits(d, edits, what)
		}
		out = append(out, pv)
		at = append(at, it.Pos)
	}
	mp.Versions = out
	if len(d.Errs) > n0 || mp.Document == nil {
		return
	}
	// The edits must fit: each older document from the one before it.
	lines := linediff.Split(string(mp.Document))
	for i := 1; i < len(out); i++ {
		next, err := linediff.Apply(lines, out[i].Edits)
		if err != nil {
			d.Errorf(at[i], "version %s: %v", out[i].ID, err)
			return
		}
		lines = next
	}
}

// parseEdits reads a version's edits: [[line, lines deleted, [lines inserted]], …].
func parseEdits(d *jsonpos.Decoder, v *jsonpos.Value, what string) []linediff.Edit {
	out := []linediff.Edit{}
	bad := func(p jsonpos.Pos) []linediff.Edit {
		d.Errorf(p, "%s: Edits: want a list of [line, lines deleted, [lines inserted]]", what)
		return nil
	}
	if v.Kind != jsonpos.Array {
		return bad(v.Pos)
	}
	for _, e := range v.Items {
		if e.Kind != jsonpos.Array || len(e.Items) != 3 || e.Items[0].Kind != jsonpos.Number || e.Items[1].Kind != jsonpos.Number || e.Items[2].Kind != jsonpos.Array {
			return bad(e.Pos)
		}
		at, err1 := strconv.Atoi(e.Items[0].Str)
		del, err2 := strconv.Atoi(e.Items[1].Str)
		if err1 != nil || err2 != nil {
			return bad(e.Pos)
		}
		ed := linediff.Edit{At: at, Delete: del}
		for _, l := range e.Items[2].Items {
			if l.Kind != jsonpos.String {
				return bad(l.Pos)
			}
			ed.Insert = append(ed.Insert, l.Str)
		}
		out = append(out, ed)
	}
	return out
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
// Its problems are a diag.List.
func LoadSource(fsys fs.FS) (*Source, error) {
	src, err := fs.ReadFile(fsys, SourceFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	root, errs := yamlpos.Parse(SourceFile, src, 1)
	if errs != nil {
		return nil, errs
	}
	var doc struct {
		Package   string `yaml:"package"`
		Version   string `yaml:"version"`
		Integrity string `yaml:"integrity"`
		Date      string `yaml:"date"`
	}
	if errs := yamlpos.Decode(SourceFile, root, &doc); errs != nil {
		return nil, errs
	}
	s := &Source{Package: doc.Package, Version: doc.Version, Integrity: doc.Integrity, Date: doc.Date}
	if s.Package == "" || s.Version == "" || !strings.HasPrefix(s.Integrity, "sha512-") || len(s.Date) != len("2006-01-02") {
		line, col := 1, 0
		if root != nil {
			line, col = root.Line, root.Column
		}
		return nil, diag.List{diag.At(SourceFile, line, col, "want package, version, integrity (sha512-…) and date (YYYY-MM-DD)")}
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
