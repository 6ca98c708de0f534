package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
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
			all[i].errs = diag.List{{File: f, Msg: err.Error()}}
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

func parseManaged(file string, src []byte) (*ManagedPolicy, diag.List) {
	d := &jsonpos.Decoder{File: file}
	root, err := jsonpos.Parse(src)
	if err != nil {
		d.Syntax(err, "")
		return nil, d.Errs
	}
	mp := &ManagedPolicy{File: file}
	seen := map[string]bool{}
	known := []string{"PolicyName", "Arn", "DefaultVersionId", "CreateDate", "UpdateDate", "Deprecated", "Document"}
	if !d.Members(root, "policy", known, func(m jsonpos.Member) {
		seen[m.Key] = true
		// Deprecated policies ship "Arn": null and "UpdateDate": null.
		switch m.Key {
		case "PolicyName":
			mp.Name = d.OptString(m.Value, m.Key)
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
				var b bytes.Buffer
				writeJSON(&b, m.Value, "")
				b.WriteByte('\n')
				mp.Document = b.Bytes()
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
	if mp.Name != "" && path.Base(file) != mp.Name+".json" {
		d.Errorf(root.Pos, "PolicyName %q does not match the file name", mp.Name)
	}
	if len(d.Errs) > 0 {
		return nil, d.Errs
	}
	return mp, nil
}

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
